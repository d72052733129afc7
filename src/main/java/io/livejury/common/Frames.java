package io.livejury.common;

import io.livejury.model.Penalty;
import io.livejury.model.Prompt;
import io.livejury.model.Room;
import io.livejury.model.Verdict;
import io.livejury.model.Warning;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The server → client WebSocket frames of docs/protocol.md, encoded once each. A room frame goes to viewers and
 * streamer alike, so prompts and verdicts travel without the report texts that only staff may read.
 */
public final class Frames {

  /** {@code serverTime} lets the client correct its own clock: a countdown by a phone's clock can be far off. */
  public static String welcome(String roomId, String userId, String role, Instant serverTime,
      List<JsonObject> openPrompts) {
    return new JsonObject().put("type", "welcome").put("roomId", roomId).put("userId", userId)
        .put("role", role).put("serverTime", serverTime.toString())
        .put("openPrompts", new JsonArray(List.copyOf(openPrompts))).encode();
  }

  public static String room(Room room) {
    return new JsonObject().put("type", "room").put("room", Json.toJsonObject(room)).encode();
  }

  /**
   * {@code {"type":"stopped","roomId","reason"}}: staff stopped the room in an emergency; its prompts are closed
   * without penalty and nobody may join or vote.
   */
  public static String stopped(String roomId, String reason) {
    return new JsonObject().put("type", "stopped").put("roomId", roomId).put("reason", reason).encode();
  }

  public static String prompt(Prompt prompt) {
    return new JsonObject().put("type", "prompt").put("prompt", Json.toJsonObject(prompt.forRoom())).encode();
  }

  /**
   * A new prompt's frame, with the server's time as it goes out, for clients to keep their clock right. The
   * time comes last: the load generator reads the prompt id at a fixed offset, without parsing the frame.
   */
  public static String prompt(Prompt prompt, Instant serverTime) {
    return new JsonObject().put("type", "prompt").put("prompt", Json.toJsonObject(prompt.forRoom()))
        .put("serverTime", serverTime.toString()).encode();
  }

  public static String tally(String promptId, Map<String, Long> counts, long total) {
    return new JsonObject().put("type", "tally").put("promptId", promptId)
        .put("counts", new JsonObject(Map.copyOf(counts))).put("total", total).encode();
  }

  public static String verdict(Verdict verdict) {
    return new JsonObject().put("type", "verdict").put("verdict", Json.toJsonObject(verdict.forRoom())).encode();
  }

  public static String warning(Warning warning) {
    return new JsonObject().put("type", "warning").put("warning", Json.toJsonObject(warning)).encode();
  }

  public static String penalty(Penalty penalty) {
    return new JsonObject().put("type", "penalty").put("penalty", Json.toJsonObject(penalty)).encode();
  }

  /**
   * The node's own state, for every socket it holds: {@code degraded} with a message in plain words when it
   * lost its store (room frames are held back until it is back), {@code ok} once it caught up again.
   */
  public static String service(String status, String message) {
    JsonObject service = new JsonObject().put("type", "service").put("status", status);
    if (message != null) {
      service.put("message", message);
    }
    return service.encode();
  }

  /**
   * A prompt closed with no verdict to show: {@code {"type":"closed","promptId","reason","message"}}; reason
   * {@code lost} (Redis lost the prompt while it was open), the message in plain words for the page.
   */
  public static String closed(String promptId, String reason, String message) {
    return new JsonObject().put("type", "closed").put("promptId", promptId).put("reason", reason)
        .put("message", message).encode();
  }

  public static String ack(String ref, String status, String reason) {
    JsonObject ack = new JsonObject().put("type", "ack").put("ref", ref).put("status", status);
    if (reason != null && !reason.isEmpty()) {
      ack.put("reason", reason);
    }
    return ack.encode();
  }

  /** A duplicate ballot's ack also says which option the voter chose the first time. */
  public static String duplicateAck(String ref, String votedBefore) {
    return new JsonObject().put("type", "ack").put("ref", ref).put("status", "duplicate")
        .put("reason", "already voted").put("voted", votedBefore).encode();
  }

  public static String error(String code, String message, String ref) {
    JsonObject error = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (ref != null) {
      error.put("ref", ref);
    }
    return error.encode();
  }

  public static final String PONG = new JsonObject().put("type", "pong").encode();

  private Frames() {
  }
}
