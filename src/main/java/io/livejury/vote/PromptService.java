package io.livejury.vote;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.livejury.config.Settings;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.PromptOption;
import io.livejury.model.Room;
import io.livejury.model.Trigger;
import io.livejury.room.RoomEvent;
import io.livejury.room.RoomEvents;
import io.livejury.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Opens prompts (stored in Redis, announced to the room) and reads them back with their live counts. */
public final class PromptService {

  private static final int MAX_QUESTION = 500;
  private static final int MAX_CLAIM = 2000;
  private static final int MAX_LABEL = 60;
  private static final int MAX_OPTIONS = 8;

  private final Redis redis;
  private final RoomService rooms;
  private final RoomEvents events;
  private final Settings settings;

  public PromptService(Redis redis, RoomService rooms, RoomEvents events, Settings settings) {
    this.redis = redis;
    this.rooms = rooms;
    this.events = events;
    this.settings = settings;
  }

  /** Validates a prompt request against the contract, then opens it in the room, recording its trigger. */
  public Future<Prompt> open(String roomId, JsonObject body, Map<String, Object> trigger) {
    String kindName = body.getValue("kind") instanceof String kind ? kind : null;
    PromptKind kind = PromptKinds.find(kindName).orElseThrow(() ->
        ApiException.badRequest("kind must be one of " + PromptKinds.names()));
    String question = Fields.requiredText(body, "question", MAX_QUESTION);
    String claim = Fields.optionalText(body, "claim", MAX_CLAIM);
    List<PromptOption> options = body.containsKey("options") ? options(body.getValue("options"), kind) : kind.options();
    int seconds = duration(body.getValue("durationSec"));
    return rooms.get(roomId).compose(room -> {
      if (!room.isLive()) {
        return Future.failedFuture(ApiException.conflict("room " + roomId + " has ended"));
      }
      return redis.send(Request.cmd(Command.SCARD).arg(RedisKeys.roomOpenPrompts(roomId)))
          .compose(open -> open.toInteger() >= settings.roomMaxOpenPrompts()
              ? Future.failedFuture(new ApiException(429, "rate_limited", "room " + roomId + " already has "
                  + settings.roomMaxOpenPrompts() + " prompts open; wait for one to close"))
              : redisNow())
          .compose(opensAt -> open(room, kindName, question, claim, options, opensAt, seconds, trigger));
    });
  }

  /**
   * Redis's clock, not this node's: the ballot script and the closer judge the deadline by it, so every
   * node agrees on when a prompt closes however far apart their own clocks are.
   */
  private Future<Instant> redisNow() {
    return redis.send(Request.cmd(Command.TIME)).map(time -> Instant.ofEpochSecond(time.get(0).toLong())
        .plusNanos(time.get(1).toLong() / 1000 * 1_000_000));
  }

  private Future<Prompt> open(Room room, String kindName, String question, String claim, List<PromptOption> options,
      Instant opensAt, int seconds, Map<String, Object> trigger) {
    Instant closesAt = opensAt.plusSeconds(seconds);
    Prompt prompt = new Prompt(Ids.next("p"), room.roomId(), kindName, question, claim, options,
        opensAt.toString(), closesAt.toString(), Prompt.OPEN, trigger, null, Prompt.TALLY_LIVE, null);
    return store(prompt, room, closesAt.toEpochMilli()).map(prompt);
  }

  private Future<Void> store(Prompt prompt, Room room, long closesAtMs) {
    List<String> args = new ArrayList<>(List.of(Json.encode(prompt), prompt.roomId(), Long.toString(closesAtMs),
        room.streamerId(), room.merchantId()));
    prompt.options().forEach(option -> args.add(option.id()));
    // The deadline goes first: whatever fails after it, the closer will still close (or forget) the prompt.
    return redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.DEADLINES).arg(closesAtMs).arg(prompt.id()))
        .compose(v -> LuaScript.OPEN_PROMPT.call(redis,
            List.of(RedisKeys.prompt(prompt.id()), RedisKeys.counts(prompt.id())), args))
        .compose(stored -> stored.toInteger() == 1
            ? redis.send(Request.cmd(Command.SADD).arg(RedisKeys.roomOpenPrompts(prompt.roomId())).arg(prompt.id()))
            : Future.failedFuture(new IllegalStateException("prompt id " + prompt.id() + " is already taken")))
        // Its server time is when it opened, by Redis's clock, which judges its deadline; a few ms go by before
        // the frame leaves, which a countdown cannot show.
        .compose(v -> events.publish(RoomEvent.promptOpened(prompt.roomId(), prompt.id(),
            Frames.prompt(prompt, Instant.parse(prompt.opensAt())))))
        .mapEmpty();
  }

  /**
   * The prompt as GET /api/prompts/{id} shows it: live status, counts, total, the verdict once closed, and
   * the curve — the ballots counted in each second, for staff judging how a vote went. The viewers' report
   * texts in its trigger are shown only {@code withReportTexts} (to staff).
   */
  public Future<JsonObject> view(String promptId, boolean withReportTexts) {
    if (!Ids.isValid(promptId)) {
      return Future.failedFuture(ApiException.notFound("prompt"));
    }
    Future<Response> prompt =
        redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.prompt(promptId)).arg("json").arg("status").arg("verdict"));
    Future<Response> counted = redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.counts(promptId)));
    Future<Response> perSecond = redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.curve(promptId)));
    return Future.all(prompt, counted, perSecond)
        .compose(read -> {
          Response fields = prompt.result();
          if (fields.get(0) == null) {
            return Future.failedFuture(ApiException.notFound("prompt " + promptId));
          }
          Map<String, Long> counts = Replies.counts(counted.result());
          JsonObject view = new JsonObject(fields.get(0).toString())
              .put("status", fields.get(1).toString())
              .put("counts", new JsonObject(Map.copyOf(counts)))
              .put("total", Replies.total(counts))
              .put("curve", curve(Replies.counts(perSecond.result())));
          if (fields.get(2) != null) {
            view.put("verdict", new JsonObject(fields.get(2).toString()));
          }
          return Future.succeededFuture(withReportTexts ? view : Trigger.forRoom(view));
        });
  }

  /** {@code <epoch second>:<option> → ballots} as {@code [{"at", "counts"}…]} in time order. */
  static JsonArray curve(Map<String, Long> perSecondAndOption) {
    Map<Long, JsonObject> bySecond = new TreeMap<>();
    perSecondAndOption.forEach((field, ballots) -> {
      int colon = field.indexOf(':');
      bySecond.computeIfAbsent(Long.parseLong(field.substring(0, colon)), second -> new JsonObject())
          .put(field.substring(colon + 1), ballots);
    });
    JsonArray curve = new JsonArray();
    bySecond.forEach((second, counts) ->
        curve.add(new JsonObject().put("at", Instant.ofEpochSecond(second).toString()).put("counts", counts)));
    return curve;
  }

  /**
   * The room's open prompts for a joining socket, each with its current counts and total (a reloaded page
   * shows the votes already cast at once) and {@code voted} where this user already voted, without the
   * report texts (the welcome goes to viewers and streamers too); and the time they were read, by Redis.
   */
  public Future<OpenPrompts> openPrompts(String roomId, String userId) {
    Future<Instant> now = redisNow();
    Future<List<JsonObject>> open = redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.roomOpenPrompts(roomId)))
        .compose(ids -> {
          if (ids == null || ids.size() == 0) {
            return Future.succeededFuture(List.of());
          }
          // One read per key, not a batch: the prompts live in different hash slots on a cluster.
          List<Future<Response>> reads = new ArrayList<>();
          for (Response id : ids) {
            reads.add(redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.prompt(id.toString())).arg("json").arg("status")));
            reads.add(redis.send(Request.cmd(Command.HGET).arg(RedisKeys.voters(id.toString())).arg(userId)));
            reads.add(redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.counts(id.toString()))));
          }
          return Future.all(reads).map(done -> {
            List<JsonObject> found = new ArrayList<>();
            for (int i = 0; i < reads.size(); i += 3) {
              Response fields = reads.get(i).result();
              if (fields.get(0) == null || !Prompt.OPEN.equals(fields.get(1).toString())) {
                continue;
              }
              JsonObject prompt = Trigger.forRoom(new JsonObject(fields.get(0).toString()));
              Response voted = reads.get(i + 1).result();
              if (voted != null) {
                prompt.put("voted", voted.toString());
              }
              Map<String, Long> counts = Replies.counts(reads.get(i + 2).result());
              found.add(prompt.put("counts", new JsonObject(Map.copyOf(counts))).put("total", Replies.total(counts)));
            }
            return found;
          });
        });
    return Future.all(now, open).map(done -> new OpenPrompts(now.result(), open.result()));
  }

  /**
   * Closes the room's open prompts now, through the closer's normal path: each deadline moves to now, so
   * ballots are refused from here on and the closer decides each prompt from the ballots counted so far —
   * a streamer cannot escape a verdict by ending the room.
   */
  public Future<Void> closeNow(String roomId) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.roomOpenPrompts(roomId)))
        .compose(ids -> {
          List<Future<Response>> closing = new ArrayList<>();
          if (ids != null) {
            for (Response id : ids) {
              closing.add(closePromptNow(id.toString()));
            }
          }
          return Future.all(closing).mapEmpty();
        });
  }

  private Future<Response> closePromptNow(String promptId) {
    return LuaScript.CLOSE_NOW.call(redis, List.of(RedisKeys.prompt(promptId)), List.of())
        .compose(deadline -> deadline.toLong() == 0
            ? Future.succeededFuture(deadline)
            // XX: a prompt the closer has finished with is not brought back; LT: no deadline moves later.
            : redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.DEADLINES).arg("XX").arg("LT")
                .arg(deadline.toLong()).arg(promptId)));
  }

  private int duration(Object value) {
    if (value == null) {
      return settings.promptSeconds();
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.intValue() < settings.promptMinSeconds() || n.intValue() > settings.promptMaxSeconds()) {
      throw ApiException.badRequest("durationSec must be a whole number from " + settings.promptMinSeconds()
          + " to " + settings.promptMaxSeconds());
    }
    return n.intValue();
  }

  private static List<PromptOption> options(Object value, PromptKind kind) {
    if (!(value instanceof JsonArray array) || array.size() < 2 || array.size() > MAX_OPTIONS) {
      throw ApiException.badRequest("options must be a list of 2 to " + MAX_OPTIONS + " {id, label} objects");
    }
    List<PromptOption> options = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject option)) {
        throw ApiException.badRequest("each option must be an {id, label} object");
      }
      String id = option.getValue("id") instanceof String s ? s : null;
      if (!Ids.isValid(id) || !ids.add(id)) {
        throw ApiException.badRequest("option ids must be unique and 1-64 letters, digits, '-' or '_'");
      }
      options.add(new PromptOption(id, Fields.requiredText(option, "label", MAX_LABEL)));
    }
    if (!ids.contains(kind.condemning()) || !ids.contains(kind.clearing())) {
      throw ApiException.badRequest("options must include '" + kind.condemning() + "' and '" + kind.clearing()
          + "', the ballots the verdict counts");
    }
    return List.copyOf(options);
  }
}
