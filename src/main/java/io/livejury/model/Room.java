package io.livejury.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.Map;

/**
 * A room as the contract shows it. {@code status} is {@code live}, {@code ended} (its streamer or staff ended it)
 * or {@code stopped} (staff stopped it in an emergency); {@code stop} ({@code {"reason", "by", "at"}}) says why
 * and by whom a stopped room was stopped, and is null otherwise.
 */
public record Room(String roomId, String streamerId, String merchantId, String title, String status, String createdAt,
    Map<String, Object> stop) {

  public static final String LIVE = "live";
  public static final String ENDED = "ended";
  public static final String STOPPED = "stopped";

  public Room(String roomId, String streamerId, String merchantId, String title, String status, String createdAt) {
    this(roomId, streamerId, merchantId, title, status, createdAt, null);
  }

  @JsonIgnore
  public boolean isLive() {
    return LIVE.equals(status);
  }

  @JsonIgnore
  public boolean isStopped() {
    return STOPPED.equals(status);
  }

  /**
   * Why the room takes no new socket, prompt or transcript, as an error message says it: {@code room <id> was
   * stopped: <reason>} or {@code room <id> has ended}.
   */
  public String whyClosed() {
    return isStopped() ? "room " + roomId + " was stopped: " + stop.get("reason") : "room " + roomId + " has ended";
  }

  public Room ended() {
    return new Room(roomId, streamerId, merchantId, title, ENDED, createdAt, null);
  }

  /** The room stopped in an emergency: {@code stop} is {@code {"reason", "by", "at"}}. */
  public Room stopped(Map<String, Object> stop) {
    return new Room(roomId, streamerId, merchantId, title, STOPPED, createdAt, Map.copyOf(stop));
  }
}
