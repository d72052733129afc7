package io.livejury.common;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Short, sortable, unguessable ids: a prefix, the time in base 36, then random base-36 digits. */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public static String next(String prefix) {
    StringBuilder id = new StringBuilder(prefix).append('-')
        .append(Long.toString(System.currentTimeMillis(), 36)).append('-');
    for (int i = 0; i < 8; i++) {
      id.append(Character.forDigit(RANDOM.nextInt(36), 36));
    }
    return id.toString();
  }

  /** Ids that clients choose or send travel into Redis keys and URLs, so they keep to a safe alphabet. */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  private Ids() {
  }
}
