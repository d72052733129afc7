package io.livejury.detect;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.RedisKeys;
import io.livejury.gateway.RateLimiter;
import io.livejury.escalation.ReviewQueue;
import io.livejury.model.Principal;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKinds;
import io.livejury.model.Role;
import io.livejury.model.Room;
import io.livejury.model.Warning;
import io.livejury.metrics.Metrics;
import io.livejury.semantic.SemanticStage;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the streamer says, checked as they say it: each transcript segment is normalised ({@link Normaliser}),
 * scanned by the lexicon ({@link Detector}) and judged by the sentence model ({@link SemanticStage}), and the two
 * are combined ({@link Combiner}). Each detection becomes a warning, returned and pushed at once to the room's
 * streamer and staff (the same rule in the same room at most once per {@code repeatSeconds} after a push that
 * reached a node); a critical detection in a claim category opens a claim prompt for the room, unless the same
 * claim was put to the audience within the cool-down.
 *
 * <p>A claim spread over consecutive segments of a room is caught too: the room's two latest segments, with the
 * rules each was reported (warned) for, are kept in Redis for {@code windowSeconds} (so any node sees them), and
 * each segment is also scanned joined to the one before it, and to the two before it. The window only ever adds: a
 * joined detection counts when no segment it joins was already reported for that rule, and it replaces the new
 * segment's own detection of its category only when it is stronger; the new segment's own detections are never
 * dropped otherwise. So one claim is warned about once, at its stronger reading, and a claim the earlier segment
 * matched but nobody was warned about is not lost.
 *
 * <p>A critical claim in a segment that debunks or reports it ({@link Debunks}) warns and reaches staff as
 * critical, but opens no audience vote; its warning says so ({@code vote}).
 */
public final class TranscriptService {

  /**
   * Limits and timings, all from configuration: {@code maxSegmentId} in characters, {@code maxTimeMs} the largest
   * {@code startMs} or {@code endMs} a segment may carry.
   *
   * @param limits clauses per segment and the per-room segment rate ({@link DetectLimits})
   */
  public record Options(int maxSegments, int maxTextChars, int maxBytes, int maxSegmentId, long maxTimeMs,
      int repeatSeconds, int cooldownMinutes, int promptSeconds, Set<String> promptCategories, int windowSeconds,
      DetectLimits limits) {
  }

  private record Segment(String id, String text) {
  }

  /**
   * A segment as the window keeps it, with what its warnings were reported for: per category, the severity rank
   * (0 info, 1 warn, 2 critical) of the detection warned about.
   */
  private record Said(String text, String normalised, Map<String, Integer> reported) {

    JsonObject toJson() {
      JsonObject kept = new JsonObject();
      reported.forEach(kept::put);
      return new JsonObject().put("text", text).put("normalised", normalised).put("reported", kept);
    }

    static Said fromJson(JsonObject kept) {
      Map<String, Integer> reported = new HashMap<>();
      if (kept.getValue("reported") instanceof JsonObject each) {
        each.forEach(e -> reported.put(e.getKey(), ((Number) e.getValue()).intValue()));
      }
      return new Said(kept.getString("text", ""), kept.getString("normalised", ""), reported);
    }
  }

  /** How many of the room's latest segments the window joins to a new one: a claim cut in three still meets. */
  private static final int WINDOW_SEGMENTS = 2;

  /**
   * One detection of one segment: what was read ({@code normalised}), what a prompt would quote, and the clause
   * as posted when the segment was cut into clauses (null when it was judged whole).
   */
  private record Found(Segment segment, Combiner.Detection detection, String normalised, String claim,
      String clause) {
  }

  private final Redis redis;
  private final Lexicons lexicons;
  private final SemanticStage semantic;
  private final RoomService rooms;
  private final PromptService prompts;
  private final RoomEvents events;
  private final Metrics metrics;
  private final Options options;
  private final ReviewQueue queue;
  private final WarningRecords records;
  private final SegmentDetector segmentDetector;
  private final Debunks debunks;
  /** Each room's segment budget on this node; a bucket that filled up again is dropped (see {@link #admit}). */
  private final Map<String, RateLimiter> rates = new ConcurrentHashMap<>();
  private final AtomicInteger sweepAt = new AtomicInteger(SWEEP_FIRST);
  /** Rooms with a bucket before the first sweep of full ones; it doubles with the rooms still posting. */
  private static final int SWEEP_FIRST = 64;

  /**
   * @param queue   the staff review queue, where critical and warn warnings become items
   * @param records where each warning is kept by id, for staff to teach its sentence from the server's own record
   */
  public TranscriptService(Redis redis, Lexicons lexicons, SemanticStage semantic, RoomService rooms,
      PromptService prompts, RoomEvents events, Metrics metrics, Options options, ReviewQueue queue,
      WarningRecords records) {
    this.queue = queue;
    this.records = records;
    this.redis = redis;
    this.lexicons = lexicons;
    this.semantic = semantic;
    this.rooms = rooms;
    this.prompts = prompts;
    this.events = events;
    this.metrics = metrics;
    this.options = options;
    this.segmentDetector = new SegmentDetector(Clauses.standard(options.limits().clauses()));
    this.debunks = Debunks.standard(lexicons.normaliser());
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
        return Future.failedFuture(ApiException.conflict(room.whyClosed()));
      }
      admit(roomId, modelWork(segments));
      return previous(roomId).compose(before -> detectAll(room, segments, before));
    });
  }

  /**
   * The model work a post asks for: the clauses of each segment (a segment with a lexicon hit is cut whatever its
   * length, and the window may add one more judgement). Capped at the burst, so a post of the largest size can still
   * pass after a quiet spell.
   */
  private int modelWork(List<Segment> segments) {
    Detector detector = lexicons.detector();
    Normaliser normaliser = lexicons.normaliser();
    long clauses = 0;
    for (Segment segment : segments) {
      clauses += segmentDetector.clauses(segment.text(), normaliser, detector).size();
    }
    return (int) Math.min(clauses, options.limits().segmentBurst());
  }

  private Future<JsonObject> detectAll(Room room, List<Segment> segments, List<Said> before) {
    Detector detector = lexicons.detector();
    Normaliser normaliser = lexicons.normaliser();
    List<Future<List<Found>>> found = new ArrayList<>();
    List<Said> window = new ArrayList<>(before);
    // One segment after another: a post holds at most one segment's clauses in the model at a time, so a big post
    // is judged whole within its streamer's share instead of finding that share full by itself. Each segment sees
    // what the one before it was reported for, so the window never re-warns it nor loses what it did not warn.
    Future<List<Found>> chain = Future.succeededFuture(List.of());
    for (Segment segment : segments) {
      chain = chain.compose(ignored -> {
        Said said = new Said(segment.text(), normaliser.normalise(segment.text()), Map.of());
        List<Said> earlier = List.copyOf(window);
        return detect(detector, normaliser, room, segment, said, earlier).map(own -> {
          Map<String, Integer> reported = new HashMap<>();
          own.forEach(f -> reported.merge(f.detection().category(), SegmentDetector.weight(f.detection()) / 2,
              Math::max));
          window.add(new Said(said.text(), said.normalised(), reported));
          while (window.size() > WINDOW_SEGMENTS) {
            window.remove(0);
          }
          return own;
        });
      });
      found.add(chain);
    }
    return Future.all(found).compose(done -> {
      List<Future<Optional<Warning>>> warnings = new ArrayList<>();
      List<Future<Optional<Prompt>>> opened = new ArrayList<>();
      for (Future<List<Found>> each : found) {
        for (Found f : each.result()) {
          metrics.detection(f.detection().stage(), f.detection().category());
          String held = null;
          if (Rule.CRITICAL.equals(f.detection().severity())
              && options.promptCategories().contains(f.detection().category())) {
            String cue = debunks.cueIn(normaliser.normalise(f.segment().text()) + "\n" + f.normalised());
            if (cue == null) {
              opened.add(ask(room, f));
            } else {
              held = "held: debunk cue " + cue;
              metrics.voteHeld(f.detection().category());
            }
          }
          warnings.add(warn(room, f, held));
        }
      }
      return Future.all(Future.all(warnings), Future.all(opened), remember(room.roomId(), window))
          .map(all -> new JsonObject()
              .put("warnings", present(warnings))
              .put("prompts", present(opened)));
    });
  }

  /**
   * The detections of one segment, the window's included. A long segment (or one with a lexicon hit) is judged
   * clause by clause ({@link SegmentDetector}); the window joins the last clause of the room's latest segment (or
   * of its two latest) to this one's first, where a claim cut by speech-to-text lies. The segment's own detections
   * always stand unless a stronger joined detection of the same category is reported instead.
   */
  private Future<List<Found>> detect(Detector detector, Normaliser normaliser, Room room, Segment segment,
      Said said, List<Said> previous) {
    String share = room.streamerId();
    List<SegmentDetector.Clause> parts = segmentDetector.clauses(segment.text(), normaliser, detector);
    SegmentDetector.Clause first = parts.get(0);
    Future<List<Found>> ownFound = segmentDetector.detect(detector, semantic, share, parts, said.normalised(),
        Set.of()).map(result -> {
          result.suppressed().forEach(hit -> metrics.detectionSuppressed(hit.rule().category()));
          return result.found().stream().map(f -> result.split()
              ? new Found(segment, f.detection(), f.clause().normalised(), f.clause().text(), f.clause().text())
              : new Found(segment, f.detection(), said.normalised(), segment.text(), null)).toList();
        });
    if (previous.isEmpty()) {
      return ownFound;
    }
    String clause = parts.size() > 1 ? first.text() : null;
    return ownFound.compose(own -> {
      Map<String, Integer> ownRank = new HashMap<>();
      own.forEach(f -> ownRank.merge(f.detection().category(), SegmentDetector.weight(f.detection()) / 2,
          Math::max));
      // The join that adds the most severe hit: the latest segment, or the two latest when that reads stronger (a
      // food word two segments back makes a cure claim critical); the shorter on a tie.
      String joined = first.normalised();
      String claim = first.text();
      Map<String, Integer> reported = new HashMap<>(ownRank);
      List<Hit> bestSpread = List.of();
      String bestJoined = null;
      String bestClaim = null;
      for (int k = previous.size() - 1; k >= 0; k--) {
        Said earlier = previous.get(k);
        List<SegmentDetector.Clause> before = segmentDetector.clauses(earlier.text(), normaliser);
        SegmentDetector.Clause tail = before.get(before.size() - 1);
        joined = join(tail.normalised(), joined);
        claim = tail.text() + " " + claim;
        earlier.reported().forEach((category, rank) -> reported.merge(category, rank, Math::max));
        List<Hit> spread = spreadHits(detector, joined, reported);
        if (maxRank(spread) > maxRank(bestSpread)) {
          bestSpread = spread;
          bestJoined = joined;
          bestClaim = claim;
        }
      }
      if (bestSpread.isEmpty()) {
        return Future.succeededFuture(own);
      }
      List<Hit> spread = bestSpread;
      String joinedText = bestJoined;
      String claimText = bestClaim;
      return SegmentDetector.judge(semantic, List.of(joinedText), share).map(verdicts -> {
        Combiner.Outcome outcome = Combiner.combine(spread, verdicts.get(0), detector.rules());
        // The model judged the earlier segments on their own already; from the joined text only lexicon hits.
        List<Found> fromWindow = found(outcome, segment, joinedText, claimText, clause).stream()
            .filter(f -> !Combiner.MODEL.equals(f.detection().stage())).toList();
        return strongestPerCategory(own, fromWindow);
      });
    });
  }

  private static int maxRank(List<Hit> hits) {
    return hits.stream().mapToInt(hit -> hit.rule().rank()).max().orElse(-1);
  }

  /**
   * Hits of the joined text that may add something: more severe than anything reported (warned) in their category
   * for the new segment alone or for any earlier segment joined. A claim already warned about is not warned again;
   * one the earlier segment matched but nobody was warned about is not lost.
   */
  private static List<Hit> spreadHits(Detector detector, String joined, Map<String, Integer> reported) {
    List<Hit> spread = new ArrayList<>();
    for (Hit hit : detector.scan(joined)) {
      if (hit.rule().rank() > reported.getOrDefault(hit.rule().category(), -1)) {
        spread.add(hit);
      }
    }
    return spread;
  }

  private List<Found> found(Combiner.Outcome outcome, Segment segment, String normalised, String claim,
      String clause) {
    outcome.suppressed().forEach(hit -> metrics.detectionSuppressed(hit.rule().category()));
    return outcome.detections().stream().map(d -> new Found(segment, d, normalised, claim, clause)).toList();
  }

  /** One detection per category: the more severe; on a tie the one the lexicon took part in. */
  private static List<Found> strongestPerCategory(List<Found> own, List<Found> spread) {
    Map<String, Found> strongest = new LinkedHashMap<>();
    for (Found f : concat(own, spread)) {
      strongest.merge(f.detection().category(), f, (a, b) -> weight(b) > weight(a) ? b : a);
    }
    return List.copyOf(strongest.values());
  }

  private static int weight(Found f) {
    return SegmentDetector.weight(f.detection());
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Two normalised segments as one text: a space only between two Latin words or numbers. */
  static String join(String first, String second) {
    if (first.isEmpty() || second.isEmpty()) {
      return first + second;
    }
    char end = first.charAt(first.length() - 1);
    char start = second.charAt(0);
    return Character.isLetterOrDigit(end) && end < 128 && Character.isLetterOrDigit(start) && start < 128
        ? first + " " + second : first + second;
  }

  /**
   * Takes {@code count} clauses from the room's budget on this node ({@code LIVEJURY_TRANSCRIPT_SEGMENT_BURST} at
   * most, refilled at {@code LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND}).
   *
   * @throws ApiException 429 {@code rate_limited}, with the seconds until the post would pass as Retry-After
   */
  private void admit(String roomId, int count) {
    DetectLimits limits = options.limits();
    RateLimiter bucket = rates.computeIfAbsent(roomId,
        r -> new RateLimiter(limits.segmentBurst(), limits.segmentsPerSecond()));
    if (!bucket.tryAcquire(count)) {
      // The bucket counts clauses (a segment costs one per clause the model judges), so the message says so.
      throw new ApiException(429, "rate_limited", "room " + roomId + " may have at most " + limits.segmentsPerSecond()
          + " transcript clauses a second judged (" + limits.segmentBurst() + " at once; a segment counts once per"
          + " clause); retry later",
          bucket.secondsUntil(count));
    }
    int size = rates.size();
    int next = sweepAt.get();
    if (size >= next && sweepAt.compareAndSet(next, Math.max(SWEEP_FIRST, size * 2))) {
      // A full bucket is as good as a new one: only rooms that posted lately keep theirs.
      rates.values().removeIf(RateLimiter::full);
    }
  }

  /**
   * The room's latest segments (at most {@link #WINDOW_SEGMENTS}, oldest first) when they came within the window;
   * empty otherwise, or when Redis cannot say. A value written before the window kept two segments is one segment.
   */
  private Future<List<Said>> previous(String roomId) {
    if (options.windowSeconds() <= 0) {
      return Future.succeededFuture(List.of());
    }
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.roomLastSegment(roomId)))
        .map(reply -> {
          if (reply == null) {
            return List.<Said>of();
          }
          JsonObject kept = new JsonObject(reply.toString());
          List<Said> said = new ArrayList<>();
          if (kept.getValue("segments") instanceof JsonArray each) {
            each.forEach(one -> said.add(Said.fromJson((JsonObject) one)));
          } else {
            said.add(Said.fromJson(kept));
          }
          return List.copyOf(said);
        })
        .otherwise(err -> List.of());
  }

  private Future<Void> remember(String roomId, List<Said> latest) {
    if (options.windowSeconds() <= 0 || latest.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonArray each = new JsonArray();
    latest.forEach(said -> each.add(said.toJson()));
    String value = new JsonObject().put("segments", each).encode();
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.roomLastSegment(roomId)).arg(value)
            .arg("EX").arg(options.windowSeconds()))
        .<Void>mapEmpty()
        .otherwise(err -> null); // the window is a help, never a reason to fail the post
  }

  private Future<Optional<Warning>> warn(Room room, Found found, String vote) {
    Combiner.Detection d = found.detection();
    Warning.Nearest nearest = d.nearest() == null ? null
        : new Warning.Nearest(d.nearest().example(), d.nearest().similarity());
    Warning warning = new Warning(Ids.next("w"), room.roomId(), d.ruleId(), d.severity(), d.category(), d.message(),
        new Warning.Evidence(found.segment().id(), found.segment().text(), d.matched(), found.normalised(), nearest,
            found.clause()),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), d.stage(), d.model(), vote);
    // Every hit is answered; only the push to the streamer's screen is held back for repeats, and only once a
    // push reached a node: one that reached none (no socket of the room anywhere) goes out with the next hit.
    // Kept by id, so staff can mark it wrong and teach its sentence as allowed from the server's own record.
    return Future.all(events.publishUnlessMarked(RoomEvent.toModerators(room.roomId(), Frames.warning(warning)),
            RedisKeys.roomWarned(room.roomId(), d.ruleId()), options.repeatSeconds()), records.remember(warning))
        // Staff hear of it too, whether or not the streamer's screen was reached; a queue that cannot take the item
        // must not cost the streamer the warning.
        .compose(pushed -> queue.addWarning(room, warning).otherwise(Optional.empty()))
        .map(Optional.of(warning));
  }

  private Future<Optional<Prompt>> ask(Room room, Found found) {
    Combiner.Detection d = found.detection();
    String claimKey = d.ruleId() + ":" + String.join(",", d.matched());
    long holdSeconds = options.promptSeconds() + options.cooldownMinutes() * 60L;
    String askedKey = RedisKeys.roomAsked(room.roomId(), claimKey);
    return firstWithin(askedKey, holdSeconds)
        .compose(first -> {
          if (!first) {
            return Future.succeededFuture(Optional.<Prompt>empty());
          }
          Map<String, Object> trigger = new LinkedHashMap<>();
          trigger.put("type", "lexicon");
          trigger.put("ruleId", d.ruleId());
          trigger.put("category", d.category());
          trigger.put("segmentId", found.segment().id());
          trigger.put("text", found.claim());
          trigger.put("matched", d.matched());
          trigger.put("stage", d.stage());
          JsonObject request = new JsonObject().put("kind", "claim")
              .put("question", PromptKinds.get("claim").askAbout(clip(found.claim(), 200)))
              .put("claim", found.claim())
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

  /**
   * The segments of a post the API contract has validated (a non-empty list of objects; ids non-empty strings, times
   * whole numbers from 0, either absent or null): what it cannot know, the limits set by configuration and the ids'
   * visible characters, is checked here.
   */
  private List<Segment> segments(JsonObject body) {
    JsonArray array = body.getJsonArray("segments");
    if (array.size() > options.maxSegments()) {
      throw new ApiException(413, "too_large", "a transcript post carries at most " + options.maxSegments() + " segments");
    }
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject segment = array.getJsonObject(i);
      String name = "segments[" + i + "]";
      Object text = segment.getValue("text");
      if (text instanceof String s && Fields.length(s) > options.maxTextChars()) {
        throw new ApiException(413, "too_large", name + ".text is limited to " + options.maxTextChars() + " characters");
      }
      String segmentId = segmentId(name, segment.getString("id"));
      Double start = time(name + ".startMs", (Number) segment.getValue("startMs"));
      Double end = time(name + ".endMs", (Number) segment.getValue("endMs"));
      if (start != null && end != null && end < start) {
        throw ApiException.badRequest(name + ".endMs must not be before its startMs");
      }
      segments.add(new Segment(segmentId, Fields.requiredText(segment, "text", name + ".text", options.maxTextChars())));
    }
    return segments;
  }

  /**
   * The segment's id as sent, or a new one when it has none. It comes back in every warning and prompt trigger, and
   * is kept with them: at most {@code maxSegmentId} characters, none of them a space, control or format character,
   * so it can be shown and quoted as it is.
   */
  private String segmentId(String name, String id) {
    if (id == null) {
      return Ids.next("seg");
    }
    if (Fields.length(id) > options.maxSegmentId() || !id.codePoints().allMatch(Fields::visible)) {
      throw ApiException.badRequest(name + ".id must be a string of 1 to " + options.maxSegmentId()
          + " visible characters, without spaces");
    }
    return id;
  }

  /** A segment time: absent, or whole milliseconds (the contract saw to that) up to {@code maxTimeMs}. */
  private Double time(String name, Number value) {
    if (value == null) {
      return null;
    }
    if (value.doubleValue() > options.maxTimeMs()) {
      throw ApiException.badRequest(name + " must be a whole number of milliseconds from 0 to " + options.maxTimeMs());
    }
    return value.doubleValue();
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
