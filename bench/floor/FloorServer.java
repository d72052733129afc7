import io.livejury.common.RedisKeys;
import io.livejury.config.EmbeddedServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor of the ballot path: the least a server must do to serve LiveJury's load test, so LiveJury's CPU per
 * voter-round can be judged as a ratio to it ({@code scripts/bench floor}). Not shipped: it lives outside
 * src/main and the script compiles it against the LiveJury jar, whose embedded Redis and Vert.x it borrows.
 *
 * <p>It speaks the subset of PROTOCOL.md the load test uses, and nothing more: {@code POST /api/dev/token},
 * {@code POST /api/rooms}, {@code POST /api/rooms/{id}/prompts}, {@code GET /api/penalties?subject=}, {@code
 * GET /metrics} (the one gauge the load test reads, {@code livejury_sockets}) and the viewer socket {@code
 * /ws/rooms/{id}?token=}: {@code welcome}, {@code prompt}, {@code ballot} → {@code ack} through the same
 * ballot.lua by EVALSHA on the same keys, {@code tally} at most 4 a second while counts change plus the final
 * one, {@code verdict} at the deadline. One process, one event loop (no state is shared between threads, so no
 * locks), Redis only: no Postgres, no metrics, no rate limits, no jury rules, no curve of its own, no pub/sub
 * between nodes. The verdict is a simple majority of "false" over "true" (FALSE_CLAIM, NOT_FALSE or
 * INCONCLUSIVE on a tie); a condemned room's penalty row is kept in memory, since the load test asks for it.
 *
 * <p>Environment: {@code LIVEJURY_HTTP_PORT} (0: any free port), {@code LIVEJURY_JWT_SECRET} (the load test's
 * default when unset), {@code LIVEJURY_DATA_DIR} (where its Redis keeps its files; a temporary folder when
 * unset). Prints {@code Embedded Redis on port N} and {@code LiveJury floor listening on http://HOST:PORT},
 * the lines scripts/lib.sh looks for.
 */
public final class FloorServer {

  private static final String DEV_SECRET = "livejury-dev-secret-change-me-in-production";
  private static final Pattern SOCKET_PATH = Pattern.compile("^/ws/rooms/([^/?]+)$");
  private static final Pattern PROMPTS_PATH = Pattern.compile("^/api/rooms/([^/]+)/prompts$");
  private static final long TALLY_EVERY_MS = 250;
  private static final List<String> OPTIONS = List.of("true", "false", "unsure");

  /** A room as the HTTP API shows it, with the sockets this process holds in it. */
  private record Room(String roomId, String streamerId, String merchantId, String title, String createdAt,
      Set<ServerWebSocket> sockets) {

    JsonObject toJson() {
      return new JsonObject().put("roomId", roomId).put("streamerId", streamerId).put("merchantId", merchantId)
          .put("title", title).put("status", "live").put("createdAt", createdAt);
    }
  }

  /**
   * An open prompt: its JSON as posted, the ballots this process has acked {@code accepted} per option (the live
   * tallies show these; the final one is Redis's count), the total the last tally showed and its tally timer.
   * Touched by the one event loop only.
   */
  private static final class Open {
    final JsonObject prompt;
    final Room room;
    final Map<String, Long> counts = new LinkedHashMap<>();
    long lastTallied;
    long timer;

    Open(JsonObject prompt, Room room) {
      this.prompt = prompt;
      this.room = room;
      OPTIONS.forEach(o -> counts.put(o, 0L));
    }
  }

  private final Vertx vertx;
  private final JWTAuth jwt;
  private final RedisConnection redis;
  private final String ballotSha;
  private final Map<String, Room> rooms = new HashMap<>();
  private final Map<String, Open> open = new HashMap<>();
  private final Map<String, List<JsonObject>> penalties = new HashMap<>();
  private int sockets;

  private FloorServer(Vertx vertx, JWTAuth jwt, RedisConnection redis, String ballotSha) {
    this.vertx = vertx;
    this.jwt = jwt;
    this.redis = redis;
    this.ballotSha = ballotSha;
  }

  public static void main(String[] args) throws IOException {
    Path data = System.getenv("LIVEJURY_DATA_DIR") == null ? Files.createTempDirectory("livejury-floor")
        : Path.of(System.getenv("LIVEJURY_DATA_DIR"));
    // LiveJury's own embedded Redis, configured as a node configures it (AOF, fsync once a second), so the two
    // runs' Redis CPU compares too.
    EmbeddedServers servers = EmbeddedServers.start(true, false,
        new EmbeddedServers.Options(data, true, 60_000, 10_000, 1_000, 100_000, 100));
    Runtime.getRuntime().addShutdownHook(new Thread(servers::close));
    // One event loop: everything below runs on it.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    String secret = System.getenv().getOrDefault("LIVEJURY_JWT_SECRET", DEV_SECRET);
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secret)));
    String script;
    try (InputStream lua = FloorServer.class.getResourceAsStream("/lua/ballot.lua")) {
      // The jar's copy of src/main/resources/lua/ballot.lua: the very script LiveJury runs.
      script = new String(lua.readAllBytes(), StandardCharsets.UTF_8);
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("LIVEJURY_HTTP_PORT", "0"));
    vertx.runOnContext(v -> Redis.createClient(vertx, new RedisOptions()
            .setConnectionString(servers.redisUrl())
            // A burst of 5,000 ballots is in flight on the one connection at once.
            .setMaxWaitingHandlers(1_000_000))
        .connect()
        .compose(redis -> redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script))
            .map(sha -> new FloorServer(vertx, jwt, redis, sha.toString())))
        .compose(floor -> vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
            .requestHandler(floor::handle).listen())
        .onSuccess(server -> System.out.println("LiveJury floor listening on http://127.0.0.1:" + server.actualPort()))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        }));
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    Matcher socket = SOCKET_PATH.matcher(path);
    if (socket.matches()) {
      join(request, socket.group(1));
      return;
    }
    if (path.equals("/metrics")) {
      request.response().putHeader("Content-Type", "text/plain").end("livejury_sockets " + sockets + "\n");
      return;
    }
    request.body().onSuccess(body -> {
      JsonObject json = body.length() == 0 ? new JsonObject() : body.toJsonObject();
      if (path.equals("/api/dev/token")) {
        JsonObject claims = new JsonObject().put("sub", json.getString("sub")).put("role", json.getString("role"));
        if (json.getString("merchantId") != null) {
          claims.put("merchantId", json.getString("merchantId"));
        }
        answer(request, 200, new JsonObject().put("token", jwt.generateToken(claims,
            new JWTOptions().setExpiresInMinutes(120))));
        return;
      }
      String bearer = request.getHeader("Authorization");
      authenticate(bearer == null ? "" : bearer.replaceFirst("^Bearer ", "")).onComplete(user -> {
        if (user.failed()) {
          answer(request, 401, error("unauthorized", "a valid bearer token is required"));
        } else if (!"staff".equals(user.result().principal().getString("role"))) {
          answer(request, 403, error("forbidden", "staff only"));
        } else {
          staff(request, path, json);
        }
      });
    });
  }

  /** The staff calls of a load run: create a room, open a prompt, look up a streamer's penalties. */
  private void staff(HttpServerRequest request, String path, JsonObject json) {
    Matcher prompts = PROMPTS_PATH.matcher(path);
    if (path.equals("/api/rooms") && request.method().name().equals("POST")) {
      String roomId = json.getString("roomId", "r-" + UUID.randomUUID());
      Room room = new Room(roomId, json.getString("streamerId"), json.getString("merchantId"), json.getString("title"),
          Instant.now().toString(), new LinkedHashSet<>());
      rooms.put(roomId, room);
      answer(request, 201, room.toJson());
    } else if (prompts.matches() && rooms.containsKey(prompts.group(1))) {
      openPrompt(request, rooms.get(prompts.group(1)), json);
    } else if (path.equals("/api/penalties")) {
      answer(request, 200, new JsonObject().put("items",
          penalties.getOrDefault(request.getParam("subject", ""), List.of())));
    } else {
      answer(request, 404, error("not_found", "the floor server serves only what the load test calls"));
    }
  }

  /**
   * Writes the prompt where ballot.lua reads it (open, its room, its deadline by the epoch clock Redis's TIME
   * shares on one machine, every option at 0), answers the POST, fans the prompt out and closes it at its
   * deadline.
   */
  private void openPrompt(HttpServerRequest request, Room room, JsonObject body) {
    String id = "p-" + UUID.randomUUID();
    long opensAt = System.currentTimeMillis();
    long closesAt = opensAt + 1000L * body.getInteger("durationSec", 60);
    JsonObject prompt = new JsonObject().put("id", id).put("roomId", room.roomId()).put("kind", "claim")
        .put("question", body.getString("question"))
        .put("options", OPTIONS.stream().map(o -> new JsonObject().put("id", o).put("label", o)).toList())
        .put("opensAt", Instant.ofEpochMilli(opensAt).toString())
        .put("closesAt", Instant.ofEpochMilli(closesAt).toString()).put("status", "open").put("tally", "live");
    redis.batch(List.of(
            Request.cmd(Command.HSET).arg(RedisKeys.prompt(id)).arg("status").arg("open")
                .arg("roomId").arg(room.roomId()).arg("closesAtMs").arg(closesAt).arg("opensAtMs").arg(opensAt),
            Request.cmd(Command.HSET).arg(RedisKeys.counts(id))
                .arg("true").arg(0).arg("false").arg(0).arg("unsure").arg(0)))
        .onSuccess(done -> {
          Open opened = new Open(prompt, room);
          opened.timer = vertx.setPeriodic(TALLY_EVERY_MS, t -> tally(opened, id));
          open.put(id, opened);
          answer(request, 201, prompt);
          String frame = new JsonObject().put("type", "prompt").put("prompt", prompt)
              .put("serverTime", Instant.now().toString()).encode();
          room.sockets().forEach(ws -> ws.writeTextMessage(frame));
          // Ballot.lua refuses by Redis's clock from the deadline on; the close runs just after it, so the
          // counts it reads are final.
          vertx.setTimer(Math.max(1, closesAt - System.currentTimeMillis() + 20), t -> close(id));
        })
        .onFailure(err -> answer(request, 503, error("unavailable", err.getMessage())));
  }

  /** A live tally, only when a ballot was accepted since the last one. */
  private void tally(Open prompt, String promptId) {
    long total = prompt.counts.values().stream().mapToLong(Long::longValue).sum();
    if (total != prompt.lastTallied) {
      prompt.lastTallied = total;
      broadcast(prompt.room, tallyFrame(promptId, prompt.counts));
    }
  }

  /** Marks the prompt closed, reads Redis's counts, sends the final tally and the verdict. */
  private void close(String promptId) {
    Open prompt = open.remove(promptId);
    vertx.cancelTimer(prompt.timer);
    redis.batch(List.of(
            Request.cmd(Command.HSET).arg(RedisKeys.prompt(promptId)).arg("status").arg("closed"),
            Request.cmd(Command.HMGET).arg(RedisKeys.counts(promptId)).arg("true").arg("false").arg("unsure")))
        .onSuccess(replies -> {
          Response counted = replies.get(1);
          Map<String, Long> counts = new LinkedHashMap<>();
          for (int i = 0; i < OPTIONS.size(); i++) {
            counts.put(OPTIONS.get(i), counted.get(i) == null ? 0L : counted.get(i).toLong());
          }
          long total = counts.values().stream().mapToLong(Long::longValue).sum();
          long condemning = counts.get("false");
          long clearing = counts.get("true");
          String outcome = condemning > clearing ? "FALSE_CLAIM" : clearing > condemning ? "NOT_FALSE" : "INCONCLUSIVE";
          Room room = prompt.room;
          JsonObject verdict = new JsonObject().put("id", "v-" + UUID.randomUUID()).put("promptId", promptId)
              .put("roomId", room.roomId()).put("streamerId", room.streamerId()).put("merchantId", room.merchantId())
              .put("kind", "claim").put("question", prompt.prompt.getString("question")).put("outcome", outcome)
              .put("counts", new JsonObject(new HashMap<>(counts))).put("total", total)
              .put("confidence", condemning + clearing == 0 ? 0.0
                  : (double) Math.max(condemning, clearing) / (condemning + clearing))
              .put("decidedAt", Instant.now().toString()).put("reviewStatus", "none");
          broadcast(room, tallyFrame(promptId, counts));
          broadcast(room, new JsonObject().put("type", "verdict").put("verdict", verdict).encode());
          if (outcome.equals("FALSE_CLAIM")) {
            penalties.computeIfAbsent(room.streamerId(), s -> new ArrayList<>()).add(new JsonObject()
                .put("id", "pen-" + UUID.randomUUID()).put("verdictId", verdict.getString("id"))
                .put("subject", room.streamerId()).put("level", "WARNING").put("startsAt", verdict.getString("decidedAt"))
                .put("status", "pending_review").put("createdAt", Instant.now().toString()));
          }
        })
        .onFailure(err -> System.err.println("closing " + promptId + " failed: " + err.getMessage()));
  }

  /** A viewer socket: its token checked, a welcome, then ballots until it closes. */
  private void join(HttpServerRequest request, String roomId) {
    Room room = rooms.get(roomId);
    if (room == null) {
      answer(request, 404, error("not_found", "no such room"));
      return;
    }
    authenticate(request.getParam("token", "")).onComplete(user -> {
      if (user.failed()) {
        answer(request, 401, error("unauthorized", "a valid token is required"));
        return;
      }
      String userId = user.result().principal().getString("sub");
      request.toWebSocket().onSuccess(ws -> {
        room.sockets().add(ws);
        sockets++;
        ws.closeHandler(v -> {
          room.sockets().remove(ws);
          sockets--;
        });
        ws.textMessageHandler(text -> onFrame(ws, room, userId, text));
        ws.writeTextMessage(new JsonObject().put("type", "welcome").put("roomId", roomId).put("userId", userId)
            .put("role", user.result().principal().getString("role")).put("serverTime", Instant.now().toString())
            .put("openPrompts", List.of()).encode());
      });
    });
  }

  /** A ballot goes through ballot.lua and is acked with its answer; every other frame is ignored. */
  private void onFrame(ServerWebSocket ws, Room room, String userId, String text) {
    JsonObject frame = new JsonObject(text);
    if (!"ballot".equals(frame.getString("type"))) {
      return;
    }
    String promptId = frame.getString("promptId", "");
    String option = frame.getString("option", "");
    String ref = frame.getString("ref");
    // Six keys, then voter, option and room: as a node with the jury rules off calls it.
    Request evalsha = Request.cmd(Command.EVALSHA).arg(ballotSha).arg(6).arg(RedisKeys.prompt(promptId))
        .arg(RedisKeys.voters(promptId)).arg(RedisKeys.counts(promptId)).arg(RedisKeys.curve(promptId))
        .arg(RedisKeys.excluded(promptId)).arg(RedisKeys.exclusions(promptId))
        .arg(userId).arg(option).arg(room.roomId());
    redis.send(evalsha).onComplete(reply -> {
      JsonObject ack = new JsonObject().put("type", "ack").put("ref", ref);
      if (reply.failed()) {
        ws.writeTextMessage(ack.put("status", "rejected").put("reason", "unavailable").encode());
        return;
      }
      String status = reply.result().get(0).toString();
      String detail = reply.result().get(1).toString();
      ack.put("status", status);
      if (!detail.isEmpty() && !status.equals("duplicate")) {
        ack.put("reason", detail);
      }
      if (status.equals("accepted") && open.containsKey(promptId)) {
        open.get(promptId).counts.merge(option, 1L, Long::sum);
      }
      ws.writeTextMessage(ack.encode());
    });
  }

  private Future<User> authenticate(String token) {
    return jwt.authenticate(new TokenCredentials(token));
  }

  private static void broadcast(Room room, String frame) {
    room.sockets().forEach(ws -> ws.writeTextMessage(frame));
  }

  private static String tallyFrame(String promptId, Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    return new JsonObject().put("type", "tally").put("promptId", promptId)
        .put("counts", new JsonObject(new HashMap<>(counts))).put("total", total).encode();
  }

  private static void answer(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
  }
}
