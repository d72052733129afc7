package io.livejury.support;

import io.livejury.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Signs tokens with the development secret, as a dev node does, for tests that need claims the node's own
 * token endpoint would not mint as given (an expiry far ahead, claims of the wrong type).
 */
public final class DevSigner {

  public static JWTAuth create(Vertx vertx) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Settings.DEV_JWT_SECRET)));
  }

  private DevSigner() {
  }
}
