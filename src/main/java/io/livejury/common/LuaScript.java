package io.livejury.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from {@code src/main/resources/lua}, read once and called by EVALSHA. The SHA is computed
 * locally, so no start-up round trip is needed; a server that has not seen the script yet (new, restarted,
 * flushed) answers NOSCRIPT, and the call is repeated once with EVAL, which also caches it there.
 */
public final class LuaScript {

  public static final LuaScript OPEN_PROMPT = load("open_prompt");
  public static final LuaScript BALLOT = load("ballot");
  public static final LuaScript CLAIM_DUE = load("claim_due");
  public static final LuaScript CLOSE_PROMPT = load("close_prompt");
  public static final LuaScript REPORT = load("report");
  public static final LuaScript CLOSE_NOW = load("close_now");
  public static final LuaScript ROOM_EVENT = load("room_event");
  public static final LuaScript JOIN = load("join");
  public static final LuaScript LEAVE = load("leave");
  public static final LuaScript AUDIENCE = load("audience");
  public static final LuaScript REMEMBER_CLOSED = load("remember_closed");
  public static final LuaScript STOP_PROMPT = load("stop_prompt");
  public static final LuaScript QUEUE_ADD = load("queue_add");
  public static final LuaScript QUEUE_CLAIM = load("queue_claim");
  public static final LuaScript QUEUE_ESCALATE = load("queue_escalate");
  public static final LuaScript QUEUE_RESOLVE = load("queue_resolve");
  public static final LuaScript AUTO_STOP = load("auto_stop");
  public static final LuaScript ROOM_SWAP = load("room_swap");
  public static final LuaScript STREAMER_ROOM = load("streamer_room");
  public static final LuaScript QUEUE_RANK = load("queue_rank");
  public static final LuaScript QUEUE_ROOMS_DUE = load("queue_rooms_due");
  public static final LuaScript STOP_DECIDE = load("stop_decide");

  private static final List<LuaScript> ALL = List.of(OPEN_PROMPT, BALLOT, CLAIM_DUE, CLOSE_PROMPT, REPORT, CLOSE_NOW,
      ROOM_EVENT, JOIN, LEAVE, AUDIENCE, REMEMBER_CLOSED, STOP_PROMPT, QUEUE_ADD, QUEUE_CLAIM, QUEUE_ESCALATE,
      QUEUE_RESOLVE, AUTO_STOP, ROOM_SWAP, STREAMER_ROOM, QUEUE_RANK, QUEUE_ROOMS_DUE, STOP_DECIDE);

  private final String source;
  private final String sha;

  private LuaScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /**
   * Loads every script into the server ahead of the first call, so the first ballots take the EVALSHA fast
   * path. A server that is not reachable yet is no reason to refuse to start: calls fall back to EVAL.
   */
  public static Future<Void> preload(Redis redis) {
    List<Future<Response>> loads = ALL.stream()
        .map(script -> redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source)))
        .toList();
    return Future.join(loads).<Void>mapEmpty().otherwiseEmpty();
  }

  public Future<Response> call(Redis redis, List<String> keys, List<String> args) {
    return redis.send(request(Command.EVALSHA, sha, keys, args))
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(err));
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name + ".lua")) {
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
