package io.livejury.jury;

import io.livejury.config.Settings;

/**
 * Who may decide a verdict (PROTOCOL.md, "Juries"), from {@code livejury-defaults.properties}. The rules a
 * prompt is judged by are copied onto it when it opens, so a change of configuration never changes the
 * rules of a vote already running.
 *
 * @param enabled          false: every viewer's ballot counts, nothing about jurors is read or checked (the
 *                         baseline the benchmark compares against)
 * @param presenceSeconds  a juror must have first joined the room at least this long before the prompt opened
 * @param minAccountDays   an account younger than this when the prompt opened may not vote (when {@code acct}
 *                         is given)
 * @param requireVerified  only viewers whose token says {@code verified} may vote
 * @param defaultJurySize  the jury size of prompts that give none; null: everyone eligible decides
 * @param maxTies          a token with more {@code ties} than this is refused (401)
 * @param joinMemoryHours  how long a room remembers when each user first joined it after its last join
 * @param rejoinGraceSeconds a viewer whose latest socket in the room closed longer ago than this joins anew:
 *                         their presence counts from the new join
 */
public record JuryPolicy(
    boolean enabled,
    int presenceSeconds,
    int minAccountDays,
    boolean requireVerified,
    Integer defaultJurySize,
    int maxTies,
    int joinMemoryHours,
    int rejoinGraceSeconds) {

  public static JuryPolicy from(Settings.Reader r) {
    if (r.integer("LIVEJURY_JURY_REJOIN_GRACE_SECONDS") < 0) {
      throw new IllegalArgumentException("LIVEJURY_JURY_REJOIN_GRACE_SECONDS must be 0 or more");
    }
    return new JuryPolicy(
        r.bool("LIVEJURY_JURY_ENABLED"),
        r.integer("LIVEJURY_JURY_PRESENCE_SECONDS"),
        r.integer("LIVEJURY_JURY_MIN_ACCOUNT_DAYS"),
        r.bool("LIVEJURY_JURY_REQUIRE_VERIFIED"),
        r.optionalPositive("LIVEJURY_JURY_SIZE"),
        r.positive("LIVEJURY_TOKEN_MAX_TIES"),
        r.positive("LIVEJURY_JURY_JOIN_MEMORY_HOURS"),
        r.integer("LIVEJURY_JURY_REJOIN_GRACE_SECONDS"));
  }
}
