package io.livejury.jury;

import java.util.List;

/**
 * One counted ballot as the ballot script stored it in the prompt's voters hash (jury-spec, "Voters hash
 * value"): {@code "<option> <castAtMs> <netId> <weight>"} when jury rules applied, {@code "<option>"} when they
 * were off (or a node without them counted it). Fields the value does not carry take their neutral values.
 *
 * @param userId   the voter
 * @param option   the option id voted: the value's text up to the first space
 * @param castAtMs when Redis counted it, epoch ms; {@link #UNKNOWN_TIME} when the value does not say
 * @param netId    the voter's network identity (12 hex chars); null when the value does not say
 * @param weight   the ballot's weight from the juror's reputation; 1 when the value does not say
 */
public record CountedBallot(String userId, String option, long castAtMs, String netId, double weight) {

  public static final long UNKNOWN_TIME = -1;

  /**
   * Reads a voters hash value. {@code options} are the prompt's option ids: a value's option is returned as the
   * very string of that list, so the ballots of a huge prompt share a handful of option strings.
   */
  public static CountedBallot parse(String userId, String value, List<String> options) {
    int space = value.indexOf(' ');
    String option = option(value, space < 0 ? value.length() : space, options);
    if (space < 0) {
      return new CountedBallot(userId, option, UNKNOWN_TIME, null, 1);
    }
    String[] rest = value.substring(space + 1).split(" ");
    try {
      long castAt = Long.parseLong(rest[0]);
      double weight = rest.length > 2 ? Double.parseDouble(rest[2]) : 1;
      boolean sane = castAt >= 0 && Double.isFinite(weight) && weight >= 0;
      return sane
          ? new CountedBallot(userId, option, castAt, rest.length > 1 && !rest[1].isEmpty() ? rest[1] : null, weight)
          : new CountedBallot(userId, option, UNKNOWN_TIME, null, 1);
    } catch (NumberFormatException e) {
      // Counted all the same: only its details are lost.
      return new CountedBallot(userId, option, UNKNOWN_TIME, null, 1);
    }
  }

  public boolean timed() {
    return castAtMs != UNKNOWN_TIME;
  }

  private static String option(String value, int end, List<String> options) {
    for (String option : options) {
      if (option.length() == end && value.startsWith(option)) {
        return option;
      }
    }
    return value.substring(0, end);
  }
}
