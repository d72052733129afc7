package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.livejury.model.Principal;
import io.livejury.model.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** HS256 bearer tokens: issuing them (dev mode) and turning them into a {@link Principal}. */
public final class Auth {

  private final JWTAuth jwt;
  private final int tokenHours;

  public Auth(Vertx vertx, String secret, int tokenHours) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.tokenHours = tokenHours;
  }

  public String issue(String userId, Role role, String merchantId) {
    JsonObject claims = new JsonObject().put("sub", userId).put("role", role.wire());
    if (merchantId != null) {
      claims.put("merchantId", merchantId);
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(tokenHours * 60));
  }

  /** Fails with 401 for a missing, forged, expired or role-less token. */
  public Future<Principal> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new ApiException(401, "unauthorized", "a bearer token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new ApiException(401, "unauthorized", "the token is invalid or expired")))
        .compose(user -> {
          // Registered claims (exp, iat) move to the user's attributes; custom ones stay in the principal.
          JsonObject claims = user.principal();
          String subject = claims.getString("sub");
          Role role = Role.fromWire(claims.getString("role")).orElse(null);
          if (subject == null || subject.isBlank() || role == null || !user.attributes().containsKey("exp")) {
            return Future.failedFuture(new ApiException(401, "unauthorized",
                "the token lacks a subject, a known role or an expiry"));
          }
          return Future.succeededFuture(new Principal(subject, role, claims.getString("merchantId")));
        });
  }

  public static String bearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim()
        : null;
  }
}
