package io.livejury.detect;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.RedisKeys;
import io.livejury.model.Principal;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKinds;
import io.livejury.model.Role;
import io.livejury.model.Room;
import io.livejury.model.Warning;
import io.livejury.room.RoomEvent;
import io.livejury.room.RoomEvents;
import io.livejury.room.RoomService;
import io.livejury.teach.WarningRecords;
import io.livejury.vote.PromptService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the streamer says, checked as they say it: each transcript segment runs through the detector; each
 * hit becomes a warning, returned and pushed at once to the room's streamer and staff (the same rule in the
 * same room at most once per {@code repeatSeconds} after a push that reached a node); a critical hit in a
 * claim category opens a claim prompt for the room, unless the same claim was put to the audience within the
 * cool-down.
 */
public final class TranscriptService {

  /** Limits and timings, all from configuration. */
  public record Options(int maxSegments, int maxTextChars, int maxBytes, int repeatSeconds, int cooldownMinutes,
      int promptSeconds, Set<String> promptCategories) {
  }

  private record Segment(String id, String text) {
  }

  private final Redis redis;
  private final Lexicons lexicons;
  private final RoomService rooms;
  private final PromptService prompts;
  private final RoomEvents events;
  private final Options options;
  private final WarningRecords records;

  public TranscriptService(Redis redis, Lexicons lexicons, RoomService rooms, PromptService prompts, RoomEvents events,
      Options options, WarningRecords records) {
    this.records = records;
    this.redis = redis;
    this.lexicons = lexicons;
    this.rooms = rooms;
    this.prompts = prompts;
    this.events = events;
    this.options = options;
  }

  public Future<JsonObject> submit(Principal caller, String roomId, int bodyBytes, JsonObject body) {
    if (bodyBytes > options.maxBytes()) {
      throw new ApiException(413, "too_large", "a transcript post is limited to " + options.maxBytes() + " bytes");
    }
    List<Segment> segments = segments(body);
    return rooms.get(roomId).compose(room -> {
      if (caller.is(Role.STREAMER) && !room.streamerId().equals(caller.userId())) {
        return Future.failedFuture(ApiException.forbidden("streamers post transcripts of their own rooms only"));
      }
      if (!room.isLive()) {
        return Future.failedFuture(ApiException.conflict("room " + roomId + " has ended"));
      }
      Detector detector = lexicons.detector();
      List<Future<Optional<Warning>>> warnings = new ArrayList<>();
      List<Future<Optional<Prompt>>> opened = new ArrayList<>();
      for (Segment segment : segments) {
        for (Hit hit : detector.scan(segment.text())) {
          warnings.add(warn(room, segment, hit));
          if (Rule.CRITICAL.equals(hit.rule().severity()) && options.promptCategories().contains(hit.rule().category())) {
            opened.add(ask(room, segment, hit));
          }
        }
      }
      return Future.all(Future.all(warnings), Future.all(opened)).map(done -> new JsonObject()
          .put("warnings", present(warnings))
          .put("prompts", present(opened)));
    });
  }

  private Future<Optional<Warning>> warn(Room room, Segment segment, Hit hit) {
    Warning warning = new Warning(Ids.next("w"), room.roomId(), hit.rule().id(), hit.rule().severity(),
        hit.rule().category(), hit.rule().message(), new Warning.Evidence(segment.id(), segment.text(), hit.matched()),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    // Every hit is answered; only the push to the streamer's screen is held back for repeats, and only once a
    // push reached a node: one that reached none (no socket of the room anywhere) goes out with the next hit.
    // Kept by id, so staff can mark it wrong and teach its sentence as allowed from the server's own record.
    return Future.all(events.publishUnlessMarked(RoomEvent.toModerators(room.roomId(), Frames.warning(warning)),
            RedisKeys.roomWarned(room.roomId(), hit.rule().id()), options.repeatSeconds()), records.remember(warning))
        .map(Optional.of(warning));
  }

  private Future<Optional<Prompt>> ask(Room room, Segment segment, Hit hit) {
    String claimKey = hit.rule().id() + ":" + String.join(",", hit.matched());
    long holdSeconds = options.promptSeconds() + options.cooldownMinutes() * 60L;
    String askedKey = RedisKeys.roomAsked(room.roomId(), claimKey);
    return firstWithin(askedKey, holdSeconds)
        .compose(first -> {
          if (!first) {
            return Future.succeededFuture(Optional.<Prompt>empty());
          }
          Map<String, Object> trigger = new LinkedHashMap<>();
          trigger.put("type", "lexicon");
          trigger.put("ruleId", hit.rule().id());
          trigger.put("segmentId", segment.id());
          trigger.put("text", segment.text());
          trigger.put("matched", hit.matched());
          JsonObject request = new JsonObject().put("kind", "claim")
              .put("question", PromptKinds.get("claim").askAbout(clip(segment.text(), 200)))
              .put("claim", segment.text())
              .put("durationSec", options.promptSeconds());
          // A prompt that failed to open must not hold the claim back for the whole cool-down.
          return prompts.open(room.roomId(), request, trigger).map(Optional::of)
              .onFailure(err -> redis.send(Request.cmd(Command.DEL).arg(askedKey)));
        });
  }

  /** True for the first caller within the window (SET NX with an expiry), false for repeats. */
  private Future<Boolean> firstWithin(String key, long seconds) {
    return redis.send(Request.cmd(Command.SET).arg(key).arg("1").arg("NX").arg("EX").arg(Math.max(1, seconds)))
        .map(reply -> reply != null);
  }

  private List<Segment> segments(JsonObject body) {
    if (!(body.getValue("segments") instanceof JsonArray array) || array.isEmpty()) {
      throw ApiException.badRequest("segments must be a non-empty list of {id, startMs, endMs, text}");
    }
    if (array.size() > options.maxSegments()) {
      throw new ApiException(413, "too_large", "a transcript post carries at most " + options.maxSegments() + " segments");
    }
    List<Segment> segments = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject segment)) {
        throw ApiException.badRequest("each segment must be an object {id, startMs, endMs, text}");
      }
      Object text = segment.getValue("text");
      if (text instanceof String s && s.length() > options.maxTextChars()) {
        throw new ApiException(413, "too_large", "a segment's text is limited to " + options.maxTextChars() + " characters");
      }
      Object id = segment.getValue("id");
      String segmentId = id == null ? Ids.next("seg") : id.toString();
      segments.add(new Segment(segmentId, Fields.requiredText(segment, "text", options.maxTextChars())));
    }
    return segments;
  }

  private static <T> JsonArray present(List<Future<Optional<T>>> results) {
    JsonArray array = new JsonArray();
    results.forEach(result -> result.result().ifPresent(value -> array.add(Json.toJsonObject(value))));
    return array;
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }
}
