package io.livejury.model;

import java.util.Locale;
import java.util.Optional;

public enum Role {
  VIEWER, STREAMER, STAFF;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromWire(String value) {
    for (Role role : values()) {
      if (role.wire().equals(value)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
