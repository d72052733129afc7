package io.livejury.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signs bearer tokens with a given HS256 secret, as the platform in front of LiveJury would. */
final class Tokens {

  private static final long DAY_SECONDS = 86_400;

  private final JWTAuth jwt;

  Tokens(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secret)));
  }

  /** A viewer token that says nothing about its holder but the id. */
  String viewer(String userId) {
    return sign(new JsonObject().put("sub", userId).put("role", "viewer"), 120);
  }

  /**
   * A viewer token with the juror claims of an honest, ordinary viewer, so every eligibility rule runs on
   * the ballots of a load and every one passes (docs/protocol.md, "Juries"): see {@link #jurorClaims}.
   */
  String juror(String userId, int n) {
    return sign(jurorClaims(new JsonObject().put("sub", userId).put("role", "viewer"), n), 120);
  }

  /**
   * Adds the claims of viewer number {@code n} of a load: an account 30 to 400 days old (spread by n, past
   * any minimum account age up to 30 days), verified, ties to none, one or two streamers or merchants that no
   * load room has (so the conflict rule is checked and never matches), and a network of its own ({@code
   * net-<user id>}): the ballots of a room never look like they came from one network, as they would
   * without the claim, every socket of a load coming from 127.0.0.x.
   */
  static JsonObject jurorClaims(JsonObject claims, int n) {
    long now = System.currentTimeMillis() / 1000;
    long ageDays = 30 + Math.floorMod(n * 7919L, 371);
    JsonArray ties = switch (Math.floorMod(n, 3)) {
      case 0 -> new JsonArray();
      case 1 -> new JsonArray().add("elsewhere-streamer-" + n % 97);
      default -> new JsonArray().add("elsewhere-streamer-" + n % 89).add("m-elsewhere-" + n % 83);
    };
    return claims.put("acct", now - ageDays * DAY_SECONDS).put("verified", true).put("ties", ties)
        .put("net", "net-" + claims.getString("sub"));
  }

  String staff(String userId) {
    return sign(new JsonObject().put("sub", userId).put("role", "staff"), 120);
  }

  String sign(JsonObject claims, int minutes) {
    return jwt.generateToken(claims, new JWTOptions().setExpiresInMinutes(minutes));
  }

  /** A token whose claims are taken as given: exp and iat too (for expired or far-future tokens). */
  String signAsIs(JsonObject claims) {
    return jwt.generateToken(claims, new JWTOptions().setNoTimestamp(true));
  }
}
