package io.livejury.jury;

import io.livejury.config.Settings;

/**
 * The thresholds of the coordination flags a verdict is checked for at close (docs/protocol.md, "Juries"); a
 * flagged verdict that would penalise creates its penalty {@code pending_review}. How each flag is judged is
 * in {@link CoordinationFlags}.
 *
 * @param sharedNetworkMinBallots  {@code shared_network}: at least this many condemning ballots from one network
 * @param sharedNetworkMinShare    … making up at least this share of the condemning ballots
 * @param burstMinBallots          {@code burst}: at least this many ballots of one option within one window (and
 *                                 at least this many ballots in the rest of the vote to compare it with)
 * @param burstWindowSeconds       the burst window
 * @param burstZ                   … whose share of that option lies this many standard errors above the option's
 *                                 share in the rest of the vote
 * @param coVotingWindowSeconds    {@code co_voting}: jurors whose ballots of the same option fell in the same
 *                                 window of this many seconds …
 * @param coVotingMinJurors        … at least this many of them …
 * @param coVotingMinPrompts       … on at least this many of the room's prompts, this one included …
 * @param coVotingLookback         … among the room's last this-many closed prompts
 * @param coVotingMaxJurors        at most this many jurors of this prompt are followed back through the earlier
 *                                 prompts, the smallest groups first: the cost bound of a huge room
 * @param coVotingMaxChance        an earlier prompt counts only when the jurors' bunching there would happen by
 *                                 chance with at most this probability (binomial tail), so that the crowd of a big
 *                                 room rushing to vote is not taken for a group; at most 0.001
 */
public record FlagRules(
    int sharedNetworkMinBallots,
    double sharedNetworkMinShare,
    int burstMinBallots,
    int burstWindowSeconds,
    double burstZ,
    int coVotingWindowSeconds,
    int coVotingMinJurors,
    int coVotingMinPrompts,
    int coVotingLookback,
    int coVotingMaxJurors,
    double coVotingMaxChance) {

  public FlagRules {
    if (!(coVotingMaxChance > 0 && coVotingMaxChance <= 0.001)) {
      throw new IllegalArgumentException("LIVEJURY_FLAG_CO_VOTING_MAX_CHANCE must lie in (0, 0.001], got "
          + coVotingMaxChance);
    }
  }

  public static FlagRules from(Settings.Reader r) {
    return new FlagRules(
        r.positive("LIVEJURY_FLAG_SHARED_NETWORK_MIN_BALLOTS"),
        r.decimal("LIVEJURY_FLAG_SHARED_NETWORK_MIN_SHARE"),
        r.positive("LIVEJURY_FLAG_BURST_MIN_BALLOTS"),
        r.positive("LIVEJURY_FLAG_BURST_WINDOW_SECONDS"),
        r.decimal("LIVEJURY_FLAG_BURST_Z"),
        r.positive("LIVEJURY_FLAG_CO_VOTING_WINDOW_SECONDS"),
        r.positive("LIVEJURY_FLAG_CO_VOTING_MIN_JURORS"),
        r.positive("LIVEJURY_FLAG_CO_VOTING_MIN_PROMPTS"),
        r.positive("LIVEJURY_FLAG_CO_VOTING_LOOKBACK"),
        r.positive("LIVEJURY_FLAG_CO_VOTING_MAX_JURORS"),
        r.decimal("LIVEJURY_FLAG_CO_VOTING_MAX_CHANCE"));
  }
}
