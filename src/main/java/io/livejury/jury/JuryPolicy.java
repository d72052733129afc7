package io.livejury.jury;

import io.livejury.config.Settings;

/**
 * Who may decide a verdict (docs/protocol.md, "Juries"), from {@code livejury-defaults.properties}. The rules a
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

  /**
   * The epoch ms from which this juror could decide a prompt opening then, by every rule of this policy but the
   * draw: {@code max(firstJoined + presence, account created + min account age)}, or {@link Long#MAX_VALUE} for
   * a juror no prompt of this room would admit (a conflict of interest, or unverified where verification is
   * required). Exactly {@link JuryRule#reason}'s answer without the draw: a prompt opening at {@code t} under this
   * policy finds the juror eligible iff {@code t >= decidesFromMs}. Made once per socket, so the room's audience
   * (counted every second over every viewer) is one comparison a viewer.
   *
   * @param conflicted the juror's ties hold the room's streamer or merchant
   */
  public long decidesFromMs(JurorProfile juror, boolean conflicted) {
    if (conflicted || requireVerified && !juror.claims().verified()) {
      return Long.MAX_VALUE;
    }
    long from = juror.firstJoinedMs() + presenceSeconds * 1000L;
    Long created = juror.claims().accountCreatedSec();
    if (minAccountDays > 0 && created != null) {
      // reason(): too new iff created > floor(t / 1000) − days·86,400, i.e. eligible iff t ≥ (created + days·86,400)·1000.
      from = Math.max(from, (created + minAccountDays * 86_400L) * 1000L);
    }
    return from;
  }
}
