package io.livejury.gateway;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.jury.JurorClaims;
import io.livejury.model.Principal;
import io.livejury.model.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * HS256 bearer tokens: issuing them (dev mode) and turning them into a {@link Principal}. A token must
 * expire, and no later than {@code maxHours} from now: a token minted for a century (or stolen from a
 * careless issuer) is refused however good its signature. The platform's juror claims ({@code acct},
 * {@code verified}, {@code ties}, {@code net}; docs/protocol.md, "Juries") are optional, but one of the wrong type
 * or past its limits refuses the token: a claim LiveJury cannot read must not be taken as "nothing to say".
 */
public final class Auth {

  /** The longest {@code sub} or {@code merchantId} a token may carry, in characters: a platform's ids, with room. */
  static final int MAX_ID = 256;

  /** The claims a platform may set about a viewer as a juror (docs/protocol.md, "Juries"). */
  public static final List<String> JUROR_CLAIMS = List.of("acct", "verified", "ties", "net");

  private final JWTAuth jwt;
  private final int tokenHours;
  private final int maxHours;
  private final long maxLifetimeSeconds;
  private final int maxTies;

  /**
   * @param secret the HS256 key
   * @param tokenHours lifetime of the tokens {@link #issue} mints, in hours
   * @param maxHours the furthest ahead a token's {@code exp} may lie, in hours
   * @param clockSkewSeconds how far an issuer's clock may run ahead of ours, added to {@code maxHours}
   * @param maxTies the most entries a token's {@code ties} claim may hold
   */
  public Auth(Vertx vertx, String secret, int tokenHours, int maxHours, int clockSkewSeconds, int maxTies) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.tokenHours = tokenHours;
    this.maxHours = maxHours;
    this.maxLifetimeSeconds = maxHours * 3_600L + clockSkewSeconds;
    this.maxTies = maxTies;
  }

  /**
   * Mints a token (dev mode). {@code juror} holds juror claims to sign into it as given ({@code acct},
   * {@code verified}, {@code ties}, {@code net}); they are checked like any platform's when the token is used.
   */
  public String issue(String userId, Role role, String merchantId, JsonObject juror) {
    JsonObject claims = new JsonObject().put("sub", userId).put("role", role.wire());
    if (merchantId != null) {
      claims.put("merchantId", merchantId);
    }
    for (String claim : JUROR_CLAIMS) {
      if (juror.containsKey(claim)) {
        claims.put(claim, juror.getValue(claim));
      }
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(tokenHours * 60));
  }

  /**
   * Checks a token's signature and claims; no I/O, so the WebSocket handshake can call it synchronously.
   *
   * @return the caller; fails with an {@link ApiException} 401 for a missing, forged, expired or role-less
   *     token, one whose {@code exp} lies further ahead than the lifetime cap, or one with a juror claim of the
   *     wrong type or past its limits (the message names the claim)
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
          Object merchantId = claims.getValue("merchantId");
          String badId = !Fields.isIdentifier(subject, MAX_ID) ? "sub"
              : merchantId instanceof String m && !Fields.isIdentifier(m, MAX_ID) ? "merchantId" : null;
          if (badId != null) {
            return Future.failedFuture(new ApiException(401, "unauthorized",
                "the token's " + Fields.identifierRule(badId, MAX_ID)));
          }
          long lifetimeLeft = ((Number) exp).longValue() - Instant.now().getEpochSecond();
          if (lifetimeLeft > maxLifetimeSeconds) {
            return Future.failedFuture(new ApiException(401, "unauthorized",
                "the token expires too far ahead: at most " + maxHours + " hours from now"));
          }
          JurorClaims juror;
          try {
            juror = jurorClaims(claims);
          } catch (ApiException refused) {
            return Future.failedFuture(refused);
          }
          return Future.succeededFuture(new Principal(subject, role, merchantId instanceof String m ? m : null, juror));
        });
  }

  /**
   * The juror claims of docs/protocol.md, "Juries"; an absent (or null) claim says nothing.
   *
   * @throws ApiException 401 naming the first claim of the wrong type or past its limits: {@code acct} a whole
   *     number of seconds {@code >= 0}, {@code verified} a boolean, {@code ties} an array of at most
   *     {@code maxTies} strings of 1-64 characters, {@code net} a string of 1-128 characters
   */
  private JurorClaims jurorClaims(JsonObject claims) {
    Object acct = claims.getValue("acct");
    Object verified = claims.getValue("verified");
    Object ties = claims.getValue("ties");
    Object net = claims.getValue("net");
    if (acct == null && verified == null && ties == null && net == null) {
      return JurorClaims.NONE;
    }
    Long accountCreated = null;
    if (acct != null) {
      accountCreated = wholeSeconds(acct);
      if (accountCreated == null) {
        throw refused("the token's acct claim must be seconds since the epoch: a whole number, 0 or more");
      }
    }
    if (verified != null && !(verified instanceof Boolean)) {
      throw refused("the token's verified claim must be true or false");
    }
    Set<String> tied = Set.of();
    if (ties != null) {
      if (!(ties instanceof JsonArray array)) {
        throw refused("the token's ties claim must be an array of streamer and merchant ids");
      }
      if (array.size() > maxTies) {
        throw refused("the token's ties claim names " + array.size() + " ids; at most " + maxTies + " are accepted");
      }
      tied = new HashSet<>();
      for (Object tie : array) {
        if (!(tie instanceof String id) || id.isEmpty() || id.length() > 64) {
          throw refused("the token's ties claim must hold ids of 1 to 64 characters");
        }
        tied.add(id);
      }
    }
    if (net != null && (!(net instanceof String text) || text.isEmpty() || text.length() > 128)) {
      throw refused("the token's net claim must be a string of 1 to 128 characters");
    }
    return new JurorClaims(accountCreated, Boolean.TRUE.equals(verified), tied, (String) net);
  }

  /** The value as whole seconds, or null unless it is a whole number from 0 to Long.MAX_VALUE. */
  private static Long wholeSeconds(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      long seconds = ((Number) value).longValue();
      return seconds >= 0 ? seconds : null;
    }
    BigDecimal exact;
    if (value instanceof BigInteger big) {
      exact = new BigDecimal(big);
    } else if (value instanceof BigDecimal decimal) {
      exact = decimal;
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        return null;
      }
      exact = BigDecimal.valueOf(d);
    } else {
      return null;
    }
    try {
      long seconds = exact.longValueExact();
      return seconds >= 0 ? seconds : null;
    } catch (ArithmeticException fractionOrTooBig) {
      return null;
    }
  }

  private static ApiException refused(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  public static String bearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim()
        : null;
  }
}
