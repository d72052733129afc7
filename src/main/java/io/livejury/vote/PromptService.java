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
import io.livejury.jury.JuryRule;
import io.livejury.model.Principal;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.PromptOption;
import io.livejury.model.Role;
import io.livejury.model.Room;
import io.livejury.model.Trigger;
import io.livejury.model.Verdict;
import io.livejury.room.Presence;
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

/**
 * Opens prompts (stored in Redis, announced to the room) and reads them back with their live counts, as far as
 * the prompt's tally mode lets the reader see them. With the jury rules on, a prompt opens with its rules and its
 * jury draw fixed ({@link JuryRule}): the prompt's {@code jury} block, and the rule fields of its hash that
 * ballot.lua judges by.
 */
public final class PromptService {

  private static final int MAX_QUESTION = 500;
  private static final int MAX_CLAIM = 2000;
  private static final int MAX_LABEL = 60;
  private static final int MAX_OPTIONS = 8;
  private static final int MAX_JURY_SIZE = 1_000_000;

  private final Redis redis;
  private final RoomService rooms;
  private final RoomEvents events;
  private final Presence presence;
  private final Settings settings;
  private final Runnable deadlinesMoved;

  /**
   * @param deadlinesMoved run when this service has added a prompt's deadline or moved one earlier, so the node's
   *                       closer looks again before its idle pause ends
   */
  public PromptService(Redis redis, RoomService rooms, RoomEvents events, Presence presence, Settings settings,
      Runnable deadlinesMoved) {
    this.deadlinesMoved = deadlinesMoved;
    this.redis = redis;
    this.rooms = rooms;
    this.events = events;
    this.presence = presence;
    this.settings = settings;
  }

  /**
   * Validates a prompt request against the contract, then opens it in the room, recording its trigger. Besides
   * the prompt itself the body may carry {@code jurySize} (1 to 1,000,000; default {@code LIVEJURY_JURY_SIZE}),
   * {@code tally} ({@code live} by default, {@code after_vote}, {@code hidden}) and {@code calibration}
   * ({@code {"answer": "<option id>"}}, which only staff may send: the caller checks the role).
   *
   * @return the prompt as opened; fails with 400 for a malformed body, 404/409 for a missing or ended room, 429
   *     when the room has its maximum of open prompts
   */
  public Future<Prompt> open(String roomId, JsonObject body, Map<String, Object> trigger) {
    String kindName = body.getValue("kind") instanceof String kind ? kind : null;
    PromptKind kind = PromptKinds.find(kindName).orElseThrow(() ->
        ApiException.badRequest("kind must be one of " + PromptKinds.names()));
    String question = Fields.requiredText(body, "question", MAX_QUESTION);
    String claim = Fields.optionalText(body, "claim", MAX_CLAIM);
    List<PromptOption> options = body.containsKey("options") ? options(body.getValue("options"), kind) : kind.options();
    int seconds = duration(body.getValue("durationSec"));
    Integer jurySize = jurySize(body.getValue("jurySize"));
    String tally = tally(body.getValue("tally"));
    Map<String, Object> calibration = calibration(body.getValue("calibration"), options);
    return rooms.get(roomId).compose(room -> {
      if (!room.isLive()) {
        return Future.failedFuture(ApiException.conflict(room.whyClosed()));
      }
      return redis.send(Request.cmd(Command.SCARD).arg(RedisKeys.roomOpenPrompts(roomId)))
          .compose(open -> open.toInteger() >= settings.roomMaxOpenPrompts()
              ? Future.failedFuture(new ApiException(429, "rate_limited", "room " + roomId + " already has "
                  + settings.roomMaxOpenPrompts() + " prompts open; wait for one to close"))
              : redisNow())
          .compose(opensAt -> rule(roomId, jurySize, opensAt).compose(rule -> open(room,
              new Prompt(Ids.next("p"), roomId, kindName, question, claim, options, opensAt.toString(),
                  opensAt.plusSeconds(seconds).toString(), Prompt.OPEN, trigger, rule == null ? null : rule.block(),
                  tally, calibration),
              rule)));
    });
  }

  /**
   * The jury rules of a prompt opening now: the policy of this node, and a draw rate from the room's audience
   * at this moment (across nodes); null with the jury rules off.
   */
  private Future<JuryRule> rule(String roomId, Integer jurySize, Instant opensAt) {
    if (!settings.jury().enabled()) {
      return Future.succeededFuture();
    }
    long opensAtMs = opensAt.toEpochMilli();
    return presence.audience(roomId, opensAtMs)
        .map(audience -> JuryRule.opening(settings.jury(), jurySize, audience, opensAtMs));
  }

  /**
   * Redis's clock, not this node's: the ballot script and the closer judge the deadline by it, so every
   * node agrees on when a prompt closes however far apart their own clocks are.
   */
  private Future<Instant> redisNow() {
    return redis.send(Request.cmd(Command.TIME)).map(time -> Instant.ofEpochSecond(time.get(0).toLong())
        .plusNanos(time.get(1).toLong() / 1000 * 1_000_000));
  }

  private Future<Prompt> open(Room room, Prompt prompt, JuryRule rule) {
    return store(prompt, room, Instant.parse(prompt.closesAt()).toEpochMilli(), rule).map(prompt);
  }

  private Future<Void> store(Prompt prompt, Room room, long closesAtMs, JuryRule rule) {
    List<String> ruleFields = rule == null ? List.of() : rule.hashFields();
    List<String> args = new ArrayList<>(List.of(Json.encode(prompt), prompt.roomId(), Long.toString(closesAtMs),
        room.streamerId(), room.merchantId(), Integer.toString(ruleFields.size())));
    args.addAll(ruleFields);
    prompt.options().forEach(option -> args.add(option.id()));
    // The deadline goes first: whatever fails after it, the closer will still close (or forget) the prompt.
    return redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.DEADLINES).arg(closesAtMs).arg(prompt.id()))
        .onSuccess(v -> deadlinesMoved.run())
        .compose(v -> LuaScript.OPEN_PROMPT.call(redis,
            List.of(RedisKeys.prompt(prompt.id()), RedisKeys.counts(prompt.id())), args))
        .compose(stored -> stored.toInteger() == 1
            ? redis.send(Request.cmd(Command.SADD).arg(RedisKeys.roomOpenPrompts(prompt.roomId())).arg(prompt.id()))
            : Future.failedFuture(new IllegalStateException("prompt id " + prompt.id() + " is already taken")))
        // Its server time is when it opened, by Redis's clock, which judges its deadline; a few ms go by before
        // the frame leaves, which a countdown cannot show.
        .compose(v -> events.publish(RoomEvent.promptOpened(prompt.roomId(), prompt.id(),
            Frames.prompt(prompt, Instant.parse(prompt.opensAt())))))
        .compose(v -> closeIfRoomWentAway(prompt))
        .mapEmpty();
  }

  /**
   * A room ended or stopped while this prompt was opening (after its check, before the room's prompts were
   * closed) would leave it open: read the room again and close the prompt the way the room was closed.
   */
  private Future<Void> closeIfRoomWentAway(Prompt prompt) {
    return rooms.get(prompt.roomId()).compose(room -> {
      if (room.isLive()) {
        return Future.succeededFuture();
      }
      Future<Response> closed = room.isStopped()
          ? moveDeadline(prompt.id(), LuaScript.STOP_PROMPT.call(redis, List.of(RedisKeys.prompt(prompt.id())),
              List.of(new JsonObject(room.stop()).encode())))
          : closePromptNow(prompt.id());
      return closed.<Void>mapEmpty();
    }).otherwise(err -> null); // the prompt is open and announced; a failed re-check must not fail its opening
  }

  /**
   * The prompt as GET /api/prompts/{id} shows it: live status, counts, total, the verdict once closed, and
   * the curve — the ballots counted in each second, for staff judging how a vote went. While the prompt is open
   * its tally mode decides who sees the counts, total and curve ({@link #showsCounts}). The viewers' report texts
   * in its trigger and a calibration prompt's answer are shown to staff only.
   */
  public Future<JsonObject> view(String promptId, Principal caller) {
    if (!Ids.isValid(promptId)) {
      return Future.failedFuture(ApiException.notFound("prompt"));
    }
    Future<Response> prompt = redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.prompt(promptId))
        .arg("json").arg("status").arg("verdict").arg("streamerId"));
    Future<Response> counted = redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.counts(promptId)));
    Future<Response> perSecond = redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.curve(promptId)));
    Future<Response> voted = redis.send(Request.cmd(Command.HEXISTS).arg(RedisKeys.voters(promptId)).arg(caller.userId()));
    return Future.all(prompt, counted, perSecond, voted)
        .compose(read -> {
          Response fields = prompt.result();
          if (fields.get(0) == null) {
            return Future.failedFuture(ApiException.notFound("prompt " + promptId));
          }
          boolean staff = caller.is(Role.STAFF);
          JsonObject view = new JsonObject(fields.get(0).toString()).put("status", fields.get(1).toString());
          boolean moderator = staff || caller.is(Role.STREAMER) && fields.get(3) != null
              && caller.userId().equals(fields.get(3).toString());
          if (showsCounts(view, staff, moderator, voted.result().toInteger() == 1)) {
            Map<String, Long> counts = Replies.counts(counted.result());
            view.put("counts", new JsonObject(Map.copyOf(counts)))
                .put("total", Replies.total(counts))
                .put("curve", curve(Replies.counts(perSecond.result())));
          }
          if (fields.get(2) != null) {
            view.put("verdict", new JsonObject(fields.get(2).toString()));
          }
          return Future.succeededFuture(staff ? view : forNonStaff(view));
        });
  }

  /**
   * Whether a reader sees an open prompt's counts: everyone for a {@code live} prompt; for {@code after_vote}
   * moderators and those who voted on it; for {@code hidden} staff only. Everyone, once it closed.
   */
  private static boolean showsCounts(JsonObject prompt, boolean staff, boolean moderator, boolean voted) {
    if (!Prompt.OPEN.equals(prompt.getString("status", Prompt.OPEN))) {
      return true;
    }
    return switch (prompt.getString("tally", Prompt.TALLY_LIVE)) {
      case Prompt.TALLY_HIDDEN -> staff;
      case Prompt.TALLY_AFTER_VOTE -> moderator || voted;
      default -> true;
    };
  }

  /**
   * A prompt's JSON, and the verdict it carries, as its room sees them: without report texts, a calibration
   * answer or the network ids of the verdict's flags ({@link Verdict#forRoom()}).
   */
  private static JsonObject forNonStaff(JsonObject prompt) {
    Trigger.forRoom(prompt).remove("calibration");
    if (prompt.getValue("verdict") instanceof JsonObject verdict) {
      prompt.put("verdict", Json.toJsonObject(Json.decode(verdict.encode(), Verdict.class).forRoom()));
    }
    return prompt;
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
   * The room's open prompts for a joining socket, each with its current counts and total where its tally mode
   * lets this user see them (a reloaded page shows the votes already cast at once) and {@code voted} where this
   * user already voted; without the report texts and, but for staff, without a calibration answer; and the time
   * they were read, by Redis.
   *
   * @param staff     the socket is staff's: sees the counts of every prompt, and calibration answers
   * @param moderator the socket is staff's or the room's streamer's: sees the counts of {@code after_vote} prompts
   */
  public Future<OpenPrompts> openPrompts(String roomId, String userId, boolean staff, boolean moderator) {
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
              JsonObject prompt = new JsonObject(fields.get(0).toString());
              prompt = staff ? Trigger.forRoom(prompt) : forNonStaff(prompt);
              Response voted = reads.get(i + 1).result();
              if (voted != null) {
                prompt.put("voted", BallotCounter.votedOption(voted.toString()));
              }
              if (showsCounts(prompt, staff, moderator, voted != null)) {
                Map<String, Long> counts = Replies.counts(reads.get(i + 2).result());
                prompt.put("counts", new JsonObject(Map.copyOf(counts))).put("total", Replies.total(counts));
              }
              found.add(prompt);
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

  /**
   * Closes the room's open prompts because staff stopped the room: each is marked with the stop (ballot.lua
   * refuses every ballot from then on, acked {@code closed} / {@code stopped}) and its deadline moves to now; the
   * closer decides it from the ballots counted so far, a verdict kept as evidence that creates no penalty.
   *
   * @param stop {@code {"reason", "by", "at"}}, copied onto each verdict
   */
  public Future<Void> stopNow(String roomId, JsonObject stop) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.roomOpenPrompts(roomId)))
        .compose(ids -> {
          List<Future<Response>> closing = new ArrayList<>();
          if (ids != null) {
            for (Response id : ids) {
              closing.add(moveDeadline(id.toString(),
                  LuaScript.STOP_PROMPT.call(redis, List.of(RedisKeys.prompt(id.toString())), List.of(stop.encode()))));
            }
          }
          return Future.all(closing).mapEmpty();
        });
  }

  private Future<Response> closePromptNow(String promptId) {
    return moveDeadline(promptId, LuaScript.CLOSE_NOW.call(redis, List.of(RedisKeys.prompt(promptId)), List.of()));
  }

  private Future<Response> moveDeadline(String promptId, Future<Response> moved) {
    return moved
        .compose(deadline -> deadline.toLong() == 0
            ? Future.succeededFuture(deadline)
            // XX: a prompt the closer has finished with is not brought back; LT: no deadline moves later.
            : redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.DEADLINES).arg("XX").arg("LT")
                .arg(deadline.toLong()).arg(promptId)).onSuccess(v -> deadlinesMoved.run()));
  }

  private int duration(Object value) {
    if (value == null) {
      return settings.promptSeconds();
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < settings.promptMinSeconds() || n.doubleValue() > settings.promptMaxSeconds()) {
      throw ApiException.badRequest("durationSec must be a whole number from " + settings.promptMinSeconds()
          + " to " + settings.promptMaxSeconds());
    }
    return n.intValue();
  }

  private Integer jurySize(Object value) {
    if (value == null) {
      return settings.jury().defaultJurySize();
    }
    // A jury drawn smaller than the verdict's quorum could never decide: every verdict would be inconclusive.
    int smallest = Math.max(1, settings.verdictRule().quorum());
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < smallest || n.doubleValue() > MAX_JURY_SIZE) {
      throw ApiException.badRequest("jurySize must be a whole number from " + smallest + " (the verdict quorum) to "
          + MAX_JURY_SIZE);
    }
    return n.intValue();
  }

  private static String tally(Object value) {
    if (value == null) {
      return Prompt.TALLY_LIVE;
    }
    if (!(value instanceof String mode) || !Prompt.TALLY_MODES.contains(mode)) {
      throw ApiException.badRequest("tally must be one of " + Prompt.TALLY_MODES);
    }
    return mode;
  }

  /** {@code {"answer": "<option id>"}}, the answer being one of the prompt's options; null when absent. */
  private static Map<String, Object> calibration(Object value, List<PromptOption> options) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject calibration) || !(calibration.getValue("answer") instanceof String answer)) {
      throw ApiException.badRequest("calibration must be {\"answer\": \"<option id>\"}");
    }
    if (options.stream().noneMatch(option -> option.id().equals(answer))) {
      throw ApiException.badRequest("calibration.answer must be one of the prompt's options: "
          + options.stream().map(PromptOption::id).toList());
    }
    return Map.of("answer", answer);
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
