package io.livejury.gateway;

import io.livejury.LiveJury;
import io.livejury.common.Fields;
import io.livejury.config.Settings;
import io.livejury.support.ChildNode;
import io.livejury.support.DevSigner;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Forged and overlong tokens: a production node refuses to start without a real signing secret, every
 * token's lifetime is capped on HTTP and on the WebSocket handshake alike, and a dev node — whose
 * {@code POST /api/dev/token} mints staff tokens for anyone — listens on loopback only unless told otherwise.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class TokenRulesTest {

  private static final String REAL_SECRET = "k8J2vQ9xL4mN7pR1sT6wY3zA5cE0gH2j"; // 32 bytes

  private static TestNode node;
  private static Http http;
  private static String staff;
  private static JWTAuth devSigner;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-tokens", "staff");
    devSigner = DevSigner.create(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    node.stopAfter(vertx);
  }

  private static Map<String, String> production(String secret) {
    Map<String, String> env = new HashMap<>();
    env.put("LIVEJURY_REDIS_URL", "redis://127.0.0.1:6379");
    env.put("LIVEJURY_PG_URL", "postgresql://u:p@127.0.0.1:5432/livejury");
    if (secret != null) {
      env.put("LIVEJURY_JWT_SECRET", secret);
    }
    return env;
  }

  /** A token signed with the development secret (what the dev node signs with) expiring at {@code exp}. */
  private static String signed(String subject, String role, Instant exp) {
    return devSigner.generateToken(new JsonObject().put("sub", subject).put("role", role)
        .put("exp", exp.getEpochSecond()), new JWTOptions().setAlgorithm("HS256"));
  }

  @Test
  void productionRefusesAMissingPublicOrShortSecretAndDevModeDoesNot() {
    assertThat(Settings.load(production(null)).devMode()).isFalse();
    assertThat(Settings.load(production(null)).secretProblem()).hasValueSatisfying(problem ->
        assertThat(problem).startsWith("LIVEJURY_JWT_SECRET is unset or the public development secret"));
    assertThat(Settings.load(production(Settings.DEV_JWT_SECRET)).secretProblem()).hasValueSatisfying(problem ->
        assertThat(problem).startsWith("LIVEJURY_JWT_SECRET is unset or the public development secret"));
    String short31 = REAL_SECRET.substring(1);
    assertThat(Settings.load(production(short31)).secretProblem()).hasValue("LIVEJURY_JWT_SECRET is 31 bytes long;"
        + " outside dev mode it must be at least 32 bytes (e.g. openssl rand -base64 48)");
    // Bytes, not characters: eleven three-byte characters are 33 bytes.
    assertThat(Settings.load(production("主播说这款茶能治疗糖尿")).secretProblem()).isEmpty();
    assertThat(Settings.load(production(REAL_SECRET)).secretProblem()).isEmpty();
    assertThatThrownBy(() -> Settings.load(production("short")).requireStartable())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("5 bytes long");

    Map<String, String> dev = production(null);
    dev.put("LIVEJURY_DEV", "true");
    assertThat(Settings.load(dev).secretProblem()).isEmpty();
    assertThat(Settings.load(dev).usesDevSecret()).isTrue();
  }

  @Test
  void aProductionNodeWithoutASecretExitsWithOneLine() {
    ChildNode refused = ChildNode.launch("no-secret", production(null));
    assertThat(refused.awaitExit()).isEqualTo(1);
    String log = refused.log().strip();
    assertThat(log).doesNotContain("\n");
    assertThat(log).isEqualTo("LiveJury cannot start: " + Settings.load(production(null)).secretProblem().orElseThrow());
  }

  @Test
  void aNodeStartedInProcessWithAShortSecretFailsToStart(Vertx vertx) {
    Map<String, String> env = production("too-short");
    env.put("LIVEJURY_REDIS_URL", EmbeddedServersExtension.servers().redisUrl());
    env.put("LIVEJURY_PG_URL", EmbeddedServersExtension.servers().pgUrl());
    Future<LiveJury> started = LiveJury.start(vertx, Settings.load(env));
    assertThat(started.failed()).as("refused before it connects to anything").isTrue();
    assertThat(started.cause()).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("LIVEJURY_JWT_SECRET is 9 bytes long");
  }

  @Test
  void claimsOfTheWrongTypeAreRefusedWith401NeverA500OrASilentHandshake(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-odd-claims");
    long inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).getEpochSecond();
    List<JsonObject> odd = List.of(
        new JsonObject().put("sub", "odd-exp").put("role", "staff").put("exp", Long.toString(inAnHour)),
        new JsonObject().put("sub", 42).put("role", "staff").put("exp", inAnHour),
        new JsonObject().put("sub", "odd-role").put("role", new JsonObject()).put("exp", inAnHour),
        new JsonObject().put("sub", "odd-merchant").put("role", "streamer").put("merchantId", 7).put("exp", inAnHour));
    for (JsonObject claims : odd) {
      String token = devSigner.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
      Http.Reply reply = http.get("/api/rooms/" + roomId, token);
      if (claims.getValue("merchantId") != null) {
        // A merchantId that is no string is ignored, not trusted: the streamer is who the token says.
        assertThat(reply.status()).as(claims.encode()).isEqualTo(200);
        continue;
      }
      assertThat(reply.status()).as(claims.encode()).isEqualTo(401);
      assertThat(reply.errorCode()).isEqualTo("unauthorized");
      assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, token)).as(claims.encode())
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    }
    tc.completeNow();
  }

  /** "a\u0000b" and "ab" must not be one person, nor an id of bidi marks alone anybody at all. */
  @Test
  void aSubjectOrMerchantWithControlOrFormatCharactersIsRefusedWith401() {
    String roomId = http.createRoom(staff, "streamer-odd-ids");
    long inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).getEpochSecond();
    Map<JsonObject, String> refused = new LinkedHashMap<>();
    refused.put(new JsonObject().put("sub", "staff\u0000x").put("role", "staff"), "sub");
    refused.put(new JsonObject().put("sub", "\u200f\u200e").put("role", "viewer"), "sub");
    refused.put(new JsonObject().put("sub", "a".repeat(257)).put("role", "viewer"), "sub");
    refused.put(new JsonObject().put("sub", " bob ").put("role", "viewer"), "sub");
    refused.put(new JsonObject().put("sub", "streamer-odd-ids").put("role", "streamer").put("merchantId", "m\u202e1"),
        "merchantId");
    refused.forEach((claims, field) -> {
      String token = devSigner.generateToken(claims.put("exp", inAnHour), new JWTOptions().setAlgorithm("HS256"));
      Http.Reply reply = http.get("/api/rooms/" + roomId, token);
      assertThat(reply.status()).as(claims.encode()).isEqualTo(401);
      assertThat(reply.body().getJsonObject("error").getString("message")).as(claims.encode())
          .isEqualTo("the token's " + Fields.identifierRule(field, 256));
    });
    // A name in any script is an id like another.
    String chinese = devSigner.generateToken(new JsonObject().put("sub", "观众-小王").put("role", "viewer")
        .put("exp", inAnHour), new JWTOptions().setAlgorithm("HS256"));
    assertThat(http.get("/api/rooms/" + roomId, chinese).status()).isEqualTo(200);
  }

  @Test
  void jurorClaimsOfTheWrongTypeOrPastTheirLimitsAreRefusedWith401NamingTheClaim(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-juror-claims");
    JsonArray overCap = new JsonArray();
    for (int i = 0; i <= 200; i++) {
      overCap.add("t" + i);
    }
    Map<JsonObject, String> refused = new LinkedHashMap<>();
    refused.put(viewerClaims("acct-text").put("acct", "1700000000"),
        "the token's acct claim must be seconds since the epoch: a whole number, 0 or more");
    refused.put(viewerClaims("acct-negative").put("acct", -5), "the token's acct claim must be seconds since the epoch");
    refused.put(viewerClaims("acct-fraction").put("acct", 1.5), "the token's acct claim must be seconds since the epoch");
    refused.put(viewerClaims("verified-text").put("verified", "yes"), "the token's verified claim must be true or false");
    refused.put(viewerClaims("ties-text").put("ties", "streamer-a"),
        "the token's ties claim must be an array of streamer and merchant ids");
    refused.put(viewerClaims("ties-numbers").put("ties", new JsonArray().add(7)),
        "the token's ties claim must hold ids of 1 to 64 characters");
    refused.put(viewerClaims("ties-over-cap").put("ties", overCap),
        "the token's ties claim names 201 ids; at most 200 are accepted");
    refused.put(viewerClaims("net-long").put("net", "n".repeat(129)),
        "the token's net claim must be a string of 1 to 128 characters");
    refused.forEach((claims, message) -> {
      String token = devSigner.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
      Http.Reply reply = http.get("/api/rooms/" + roomId, token);
      assertThat(reply.status()).as(claims.encode()).isEqualTo(401);
      assertThat(reply.errorCode()).isEqualTo("unauthorized");
      assertThat(reply.body().getJsonObject("error").getString("message")).as(claims.encode()).startsWith(message);
      assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, token)).as(claims.encode())
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    });

    // Well-formed claims, at the limits, are accepted on both doors.
    JsonArray atCap = new JsonArray();
    for (int i = 0; i < 200; i++) {
      atCap.add("t" + i);
    }
    JsonObject good = viewerClaims("claims-good").put("acct", 1_600_000_000L).put("verified", true)
        .put("ties", atCap).put("net", "n".repeat(128));
    String token = devSigner.generateToken(good, new JWTOptions().setAlgorithm("HS256"));
    assertThat(http.get("/api/rooms/" + roomId, token).status()).isEqualTo(200);
    TestSocket socket = TestSocket.connect(vertx, node.port(), roomId, token);
    assertThat(socket.await("welcome").getString("userId")).isEqualTo("claims-good");
    socket.close();
    tc.completeNow();
  }

  @Test
  void aTokenOfTenThousandTiesIsRefusedAndTheNodeKeepsWorking(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-many-ties");
    JsonArray ties = new JsonArray();
    for (int i = 0; i < 10_000; i++) {
      ties.add("streamer-" + i);
    }
    String token = devSigner.generateToken(viewerClaims("ties-10000").put("ties", ties),
        new JWTOptions().setAlgorithm("HS256"));
    assertThat(token.length()).as("past the header and request-line limits").isGreaterThan(100_000);
    // Larger than the node reads in a header (431) or a request line (414): refused before it is even parsed.
    assertThat(http.get("/api/rooms/" + roomId, token).status()).isBetween(400, 499);
    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, token))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isBetween(400, 499));
    assertThat(http.get("/api/rooms/" + roomId, staff).status()).isEqualTo(200);
    TestSocket after = TestSocket.connect(vertx, node.port(), roomId, http.token("after-many-ties", "viewer"));
    assertThat(after.await("welcome").getString("userId")).isEqualTo("after-many-ties");
    after.close();
    tc.completeNow();
  }

  /** The registered claims of a viewer token good for an hour, to add juror claims to. */
  private static JsonObject viewerClaims(String subject) {
    return new JsonObject().put("sub", subject).put("role", "viewer")
        .put("exp", Instant.now().plus(1, ChronoUnit.HOURS).getEpochSecond());
  }

  @Test
  void aTokenThatExpiresTooFarAheadIsRefusedOnHttpAndWebSocket(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-century");
    String century = signed("staff-century", "staff", Instant.now().plus(36_500, ChronoUnit.DAYS));
    Http.Reply reply = http.get("/api/rooms/" + roomId, century);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("unauthorized");
    assertThat(reply.body().getJsonObject("error").getString("message"))
        .isEqualTo("the token expires too far ahead: at most 24 hours from now");
    String viewerCentury = signed("viewer-century", "viewer", Instant.now().plus(36_500, ChronoUnit.DAYS));
    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, viewerCentury))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));

    // Just past the cap and its minute of clock skew: refused; at the cap: accepted, on both doors.
    Instant past = Instant.now().plus(24, ChronoUnit.HOURS).plus(2, ChronoUnit.MINUTES);
    assertThat(http.get("/api/rooms/" + roomId, signed("staff-late", "staff", past)).status()).isEqualTo(401);
    Instant atCap = Instant.now().plus(24, ChronoUnit.HOURS);
    assertThat(http.get("/api/rooms/" + roomId, signed("staff-day", "staff", atCap)).status()).isEqualTo(200);
    TestSocket day = TestSocket.connect(vertx, node.port(), roomId, signed("viewer-day", "viewer", atCap));
    assertThat(day.await("welcome").getString("userId")).isEqualTo("viewer-day");
    day.close();
    tc.completeNow();
  }

  @Test
  void aDevNodeListensOnLoopbackUnlessAHostIsChosen() throws IOException {
    assertThat(Settings.load(Map.of("LIVEJURY_DEV", "true")).httpHost()).isEqualTo("127.0.0.1");
    assertThat(Settings.load(Map.of("LIVEJURY_DEV", "true", "LIVEJURY_HTTP_HOST", "0.0.0.0")).httpHost())
        .isEqualTo("0.0.0.0");
    assertThat(Settings.load(Map.of("LIVEJURY_DEV", "false")).httpHost()).isEqualTo("0.0.0.0");

    // The node of this class runs in dev mode with no host set: the kernel lists its port on 127.0.0.1 only.
    assertThat(listeners(node.port())).containsExactly("127.0.0.1");
    TestNode everywhere = TestNode.start(Map.of("LIVEJURY_HTTP_HOST", "0.0.0.0"));
    try {
      assertThat(listeners(everywhere.port())).containsExactly("any");
    } finally {
      everywhere.stop();
    }
  }

  /**
   * The distinct addresses listening on a TCP port, from the kernel's own tables: IPv4 dotted, an IPv4-mapped
   * IPv6 address as its IPv4 (the native transport binds IPv6 sockets), {@code any} for the wildcard.
   */
  private static List<String> listeners(int port) throws IOException {
    String portHex = String.format(Locale.ROOT, "%04X", port);
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
    lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
    return lines.stream()
        .map(String::trim)
        .map(line -> line.split("\\s+"))
        .filter(fields -> fields.length > 3 && "0A".equals(fields[3]) && fields[1].endsWith(":" + portHex))
        .map(fields -> address(fields[1].substring(0, fields[1].indexOf(':'))))
        .distinct()
        .toList();
  }

  /** /proc/net/tcp{,6} write each 32-bit word of an address in little-endian hex. */
  private static String address(String hex) {
    if (hex.chars().allMatch(c -> c == '0')) {
      return "any";
    }
    if (hex.length() == 32 && !hex.startsWith("0000000000000000FFFF0000")) {
      return "ipv6:" + hex;
    }
    long value = Long.parseLong(hex.substring(hex.length() - 8), 16);
    return (value & 0xFF) + "." + (value >> 8 & 0xFF) + "." + (value >> 16 & 0xFF) + "." + (value >> 24 & 0xFF);
  }
}
