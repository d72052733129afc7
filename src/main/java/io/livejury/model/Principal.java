package io.livejury.model;

import io.livejury.jury.JurorClaims;

/**
 * Who is calling, as the bearer token says. {@code merchantId} is set for streamers only; {@code juror} holds
 * the platform's claims about a viewer ({@link JurorClaims#NONE} when it made none).
 */
public record Principal(String userId, Role role, String merchantId, JurorClaims juror) {

  public Principal(String userId, Role role, String merchantId) {
    this(userId, role, merchantId, JurorClaims.NONE);
  }

  public boolean is(Role wanted) {
    return role == wanted;
  }
}
