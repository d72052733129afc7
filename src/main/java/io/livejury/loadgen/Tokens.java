package io.livejury.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signs bearer tokens with a given HS256 secret, as the platform in front of LiveJury would. */
final class Tokens {

  private final JWTAuth jwt;

  Tokens(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secret)));
  }

  String viewer(String userId) {
    return sign(new JsonObject().put("sub", userId).put("role", "viewer"), 120);
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
