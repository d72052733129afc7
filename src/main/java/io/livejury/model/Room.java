package io.livejury.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

public record Room(String roomId, String streamerId, String merchantId, String title, String status, String createdAt) {

  public static final String LIVE = "live";
  public static final String ENDED = "ended";

  @JsonIgnore
  public boolean isLive() {
    return LIVE.equals(status);
  }

  public Room ended() {
    return new Room(roomId, streamerId, merchantId, title, ENDED, createdAt);
  }
}
