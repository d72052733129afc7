package io.livejury.support;

import io.livejury.common.Json;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKinds;
import io.livejury.model.PromptOption;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leaves jury prompts in the shared Redis exactly as the ballot path leaves them at their deadline (jury-spec,
 * "Data contracts"): the prompt hash with its jury rules and {@code eligible} count, the voters hash with one
 * {@code "<option> <castAtMs> <netId> <weight>"} value per counted ballot, the counts and per-second curve, and the
 * exclusions by reason; then makes the prompt due, for a node's closer to decide.
 */
public final class JuryPrompts {

  private static final String SEED = "5f0c2a9e41d3b8776a1e0c9d2b4f6a81";

  /**
   * One counted ballot as the ballot script stores it; without a network ({@code net} null), as a node without
   * jury rules stores it: its option only.
   */
  public record Ballot(String user, String option, long castAtMs, String net, String weight) {

    /** A ballot of weight 1 from a network of the user's own. */
    public static Ballot of(String user, String option, long castAtMs) {
      return new Ballot(user, option, castAtMs, JuryPrompts.net(user), "1");
    }

    public String value() {
      return net == null ? option : option + " " + castAtMs + " " + net + " " + weight;
    }
  }

  private final Redis redis;

  public JuryPrompts(Vertx vertx) {
    this.redis = Redis.createClient(vertx, EmbeddedServersExtension.servers().redisUrl());
  }

  /** A 12-hex network id per name, as a node derives them from a claim or an address. */
  public static String net(String name) {
    return String.format("%012x", name.hashCode() & 0xffffffffL);
  }

  /**
   * Leaves a claim prompt of the room with these ballots, this many eligible viewers, these exclusions and, when
   * given, a calibration answer ({@code {"answer"}}); makes it due now. Returns its id.
   */
  public String due(String roomId, String streamerId, List<Ballot> ballots, long eligible,
      Map<String, Long> exclusions, Map<String, Object> calibration) {
    String id = "p-jury-" + System.nanoTime();
    long opensAtMs = ballots.stream().mapToLong(Ballot::castAtMs).min().orElse(System.currentTimeMillis()) - 1_000;
    List<PromptOption> options = PromptKinds.get("claim").options();
    Map<String, Object> jury = new LinkedHashMap<>();
    jury.put("size", null);
    jury.put("rate", 1);
    jury.put("seed", SEED);
    jury.put("audience", eligible);
    jury.put("presenceSeconds", 30);
    jury.put("minAccountDays", 7);
    jury.put("requireVerified", false);
    Prompt prompt = new Prompt(id, roomId, "claim", "主播说这款茶能治疗糖尿病，属实吗？", "这款茶能治疗糖尿病", options,
        Instant.ofEpochMilli(opensAtMs).toString(), Instant.ofEpochMilli(opensAtMs + 60_000).toString(), Prompt.OPEN,
        Map.of("type", "staff", "by", "staff-jury"), jury, Prompt.TALLY_LIVE, calibration);
    List<String> args = new ArrayList<>(List.of(Json.encode(prompt), roomId, Long.toString(opensAtMs + 60_000),
        streamerId, "m-" + streamerId, "0"));
    options.forEach(option -> args.add(option.id()));
    LuaScript.OPEN_PROMPT.call(redis, List.of(RedisKeys.prompt(id), RedisKeys.counts(id)), args).await();
    send(Request.cmd(Command.HSET).arg(RedisKeys.prompt(id)).arg("rules").arg("1").arg("opensAtMs").arg(opensAtMs)
        .arg("presenceMs").arg(30_000).arg("minAcctSec").arg(opensAtMs / 1000 - 7 * 86_400)
        .arg("requireVerified").arg("0").arg("rate").arg("1").arg("seed").arg(SEED).arg("eligible").arg(eligible));
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> curve = new TreeMap<>();
    Request voters = Request.cmd(Command.HSET).arg(RedisKeys.voters(id));
    for (Ballot ballot : ballots) {
      voters.arg(ballot.user()).arg(ballot.value());
      counts.merge(ballot.option(), 1L, Long::sum);
      curve.merge(ballot.castAtMs() / 1000 + ":" + ballot.option(), 1L, Long::sum);
    }
    if (!ballots.isEmpty()) {
      send(voters);
      send(hset(RedisKeys.counts(id), counts));
      send(hset(RedisKeys.curve(id), curve));
    }
    if (!exclusions.isEmpty()) {
      send(hset(RedisKeys.exclusions(id), exclusions));
    }
    send(Request.cmd(Command.SADD).arg(RedisKeys.roomOpenPrompts(roomId)).arg(id));
    send(Request.cmd(Command.ZADD).arg(RedisKeys.DEADLINES).arg(System.currentTimeMillis()).arg(id));
    return id;
  }

  /** The room's recent closed jury prompts, newest first. */
  public List<String> closedPrompts(String roomId) {
    Response ids = redis.send(Request.cmd(Command.LRANGE).arg(RedisKeys.roomClosedPrompts(roomId)).arg(0).arg(-1))
        .await();
    List<String> list = new ArrayList<>();
    ids.forEach(id -> list.add(id.toString()));
    return list;
  }

  public void close() {
    redis.close();
  }

  private static Request hset(String key, Map<String, Long> values) {
    Request request = Request.cmd(Command.HSET).arg(key);
    values.forEach((field, value) -> request.arg(field).arg(value));
    return request;
  }

  private void send(Request request) {
    redis.send(request).await();
  }
}
