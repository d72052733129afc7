package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.livejury.model.Principal;
import io.livejury.model.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.time.Instant;

/**
 * HS256 bearer tokens: issuing them (dev mode) and turning them into a {@link Principal}. A token must
 * expire, and no later than {@code maxHours} from now: a token minted for a century (or stolen from a
 * careless issuer) is refused however good its signature.
 */
public final class Auth {

  private final JWTAuth jwt;
  private final int tokenHours;
  private final int maxHours;
  private final long maxLifetimeSeconds;

  /**
   * @param secret the HS256 key
   * @param tokenHours lifetime of the tokens {@link #issue} mints, in hours
   * @param maxHours the furthest ahead a token's {@code exp} may lie, in hours
   * @param clockSkewSeconds how far an issuer's clock may run ahead of ours, added to {@code maxHours}
   */
  public Auth(Vertx vertx, String secret, int tokenHours, int maxHours, int clockSkewSeconds) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.tokenHours = tokenHours;
    this.maxHours = maxHours;
    this.maxLifetimeSeconds = maxHours * 3_600L + clockSkewSeconds;
  }

  public String issue(String userId, Role role, String merchantId) {
    JsonObject claims = new JsonObject().put("sub", userId).put("role", role.wire());
    if (merchantId != null) {
      claims.put("merchantId", merchantId);
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(tokenHours * 60));
  }

  /**
   * Checks a token's signature and claims; no I/O, so the WebSocket handshake can call it synchronously.
   *
   * @return the caller; fails with an {@link ApiException} 401 for a missing, forged, expired or role-less
   *     token, or one whose {@code exp} lies further ahead than the lifetime cap
   */
  public Future<Principal> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new ApiException(401, "unauthorized", "a bearer token is required"));
    }
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformed) {
      // The JWT library casts claims such as exp as it reads them: a string there throws instead of failing.
      checked = Future.failedFuture(malformed);
    }
    return checked
        .recover(err -> Future.failedFuture(new ApiException(401, "unauthorized", "the token is invalid or expired")))
        .compose(user -> {
          // Registered claims (exp, iat) move to the user's attributes; custom ones stay in the principal.
          JsonObject claims = user.principal();
          String subject = claims.getValue("sub") instanceof String sub ? sub : null;
          Role role = claims.getValue("role") instanceof String wire ? Role.fromWire(wire).orElse(null) : null;
          Object exp = user.attributes().getValue("exp");
          if (subject == null || subject.isBlank() || role == null || !(exp instanceof Number)) {
            return Future.failedFuture(new ApiException(401, "unauthorized",
                "the token lacks a subject, a known role or an expiry"));
          }
          long lifetimeLeft = ((Number) exp).longValue() - Instant.now().getEpochSecond();
          if (lifetimeLeft > maxLifetimeSeconds) {
            return Future.failedFuture(new ApiException(401, "unauthorized",
                "the token expires too far ahead: at most " + maxHours + " hours from now"));
          }
          Object merchantId = claims.getValue("merchantId");
          return Future.succeededFuture(new Principal(subject, role, merchantId instanceof String m ? m : null));
        });
  }

  public static String bearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim()
        : null;
  }
}
