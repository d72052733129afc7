package io.livejury.model;

/** Who is calling, as the bearer token says. {@code merchantId} is set for streamers only. */
public record Principal(String userId, Role role, String merchantId) {

  public boolean is(Role wanted) {
    return role == wanted;
  }
}
