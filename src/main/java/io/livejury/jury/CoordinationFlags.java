package io.livejury.jury;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordination checks a jury verdict gets when its prompt closes (docs/protocol.md, "Juries"), on its counted
 * ballots ({@link CountedBallot}); thresholds from {@link FlagRules}. Pure: no I/O, the same ballots give the same
 * flags. A flag accuses nobody: it sends a verdict that would penalise to staff ({@code pending_review}) instead
 * of letting it take effect by itself. Numbers in details are rounded: shares to 4 decimals, z to 2.
 */
public final class CoordinationFlags {

  /** Ballots in a time order every node agrees on: by cast time, then by user. */
  static final Comparator<CountedBallot> BY_TIME =
      Comparator.comparingLong(CountedBallot::castAtMs).thenComparing(CountedBallot::userId);

  private final FlagRules rules;

  public CoordinationFlags(FlagRules rules) {
    this.rules = rules;
  }

  /**
   * {@code shared_network}: one network ({@link CountedBallot#netId}) cast at least
   * {@code sharedNetworkMinBallots} of the condemning ballots, and at least {@code sharedNetworkMinShare} of all
   * condemning ballots. Why: one household, office or NAT rarely holds many honest viewers of the same room, while
   * a brigade run from one place, or one person's many accounts, shares its network. Both conditions are needed: the
   * count alone would flag a big room's largest campus, the share alone a small vote's two flatmates. Only the
   * condemning option is checked, because it is the one that costs the streamer; a clearing brigade is the
   * streamer's own fans, whom the conflict rule keeps out.
   *
   * @return one flag per such network, most ballots first; detail {@code {"net", "ballots", "share"}} (share of the
   *     condemning ballots)
   */
  public List<Flag> sharedNetwork(Collection<CountedBallot> ballots, String condemning) {
    Map<String, Integer> byNet = new HashMap<>();
    int condemningBallots = 0;
    for (CountedBallot ballot : ballots) {
      if (ballot.option().equals(condemning)) {
        condemningBallots++;
        if (ballot.netId() != null) {
          byNet.merge(ballot.netId(), 1, Integer::sum);
        }
      }
    }
    int total = condemningBallots;
    return byNet.entrySet().stream()
        .filter(net -> net.getValue() >= rules.sharedNetworkMinBallots()
            && (double) net.getValue() / total >= rules.sharedNetworkMinShare())
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(net -> flag(Flag.SHARED_NETWORK, "net", net.getKey(), "ballots", net.getValue(),
            "share", round((double) net.getValue() / total, 4)))
        .toList();
  }

  /**
   * {@code burst}: a window of {@code burstWindowSeconds}, the interval [t, t + window) from any ballot's cast time t
   * holding every ballot cast in it (the rest of the vote is every ballot outside it), in which one option has at
   * least {@code burstMinBallots} ballots and its share of the window's ballots lies at least {@code burstZ}
   * standard errors above its share of the rest of the vote, by the pooled two-proportion z statistic
   * z = (p_window − p_rest) / √(p̂(1 − p̂)(1/n_window + 1/n_rest)), p̂ the option's share of the whole vote.
   * Why: a brigade arrives as a one-sided wave, its members called to vote at once; honest viewers arrive in a rush
   * too (most vote in the first seconds of a prompt) but with the usual mix of opinions, so the test compares the
   * window's mix with the rest's, not its rate with the average rate. One-sided: a window short of an option is
   * nobody's attack. When the rest of the vote holds fewer than {@code burstMinBallots} ballots there is nothing to
   * compare with, and no burst is judged. Ballots without a cast time are left out.
   *
   * @return at most one flag per option, its strongest window, highest z first; detail {@code {"option", "from"
   *     (ISO time the window starts), "windowSeconds", "ballots" (of the option in the window), "windowBallots",
   *     "windowShare", "restShare", "z"}}
   */
  public List<Flag> bursts(Collection<CountedBallot> ballots) {
    int min = rules.burstMinBallots();
    List<String> names = ballots.stream().filter(CountedBallot::timed).map(CountedBallot::option).distinct().sorted()
        .toList();
    int options = names.size();
    Map<String, Integer> index = new HashMap<>();
    names.forEach(name -> index.put(name, index.size()));
    // Time and option packed in one long, sorted as primitives: a huge prompt's ballots sort in milliseconds.
    long[] ballot = ballots.stream().filter(CountedBallot::timed)
        .mapToLong(b -> b.castAtMs() * options + index.get(b.option())).sorted().toArray();
    int n = ballot.length;
    if (n < 2 * min) {
      return List.of();
    }
    int[] total = new int[options];
    for (long b : ballot) {
      total[(int) (b % options)]++;
    }
    long windowMs = rules.burstWindowSeconds() * 1000L;
    int[] inWindow = new int[options];
    Burst[] strongest = new Burst[options];
    // The window [from, from + window) opens at each distinct cast time and holds every ballot cast in it, whatever
    // their order in the array: ballots of the same millisecond are all in or all out.
    int end = 0;
    int start = 0;
    while (start < n) {
      long from = ballot[start] / options;
      while (end < n && ballot[end] / options < from + windowMs) {
        inWindow[(int) (ballot[end++] % options)]++;
      }
      int windowBallots = end - start;
      int rest = n - windowBallots;
      if (rest >= min) {
        for (int o = 0; o < options; o++) {
          Burst burst = burst(from, inWindow[o], windowBallots, total[o], rest, n);
          if (burst != null && (strongest[o] == null || burst.z() > strongest[o].z())) {
            strongest[o] = burst;
          }
        }
      }
      while (start < n && ballot[start] / options == from) {
        inWindow[(int) (ballot[start++] % options)]--;
      }
    }
    List<Flag> flags = new ArrayList<>();
    for (int o = 0; o < options; o++) {
      Burst b = strongest[o];
      if (b != null) {
        flags.add(flag(Flag.BURST, "option", names.get(o), "from", Instant.ofEpochMilli(b.from()).toString(),
            "windowSeconds", rules.burstWindowSeconds(), "ballots", b.ballots(), "windowBallots", b.windowBallots(),
            "windowShare", round(b.windowShare(), 4), "restShare", round(b.restShare(), 4), "z", round(b.z(), 2)));
      }
    }
    flags.sort(Comparator.comparingDouble((Flag f) -> -((Number) f.detail().get("z")).doubleValue()));
    return flags;
  }

  private record Burst(long from, int ballots, int windowBallots, double windowShare, double restShare, double z) {
  }

  /** The window's burst of one option, or null when it is too small or not far enough above the rest. */
  private Burst burst(long from, int ballots, int windowBallots, int optionTotal, int rest, int n) {
    if (ballots < rules.burstMinBallots()) {
      return null;
    }
    double pooled = (double) optionTotal / n;
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / windowBallots + 1.0 / rest));
    if (se == 0) {
      return null; // every ballot is this option: no window differs from the rest
    }
    double windowShare = (double) ballots / windowBallots;
    double restShare = (double) (optionTotal - ballots) / rest;
    double z = (windowShare - restShare) / se;
    return z >= rules.burstZ() ? new Burst(from, ballots, windowBallots, windowShare, restShare, z) : null;
  }

  /**
   * The start of the {@code co_voting} check of this prompt's ballots ({@link CoVoting}), to be walked back through
   * the room's {@code earlierPrompts} last closed prompts, newest first.
   */
  public CoVoting coVoting(Collection<CountedBallot> ballots, int earlierPrompts) {
    return CoVoting.start(rules, ballots, earlierPrompts);
  }

  static Flag flag(String type, Object... detail) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < detail.length; i += 2) {
      map.put((String) detail[i], detail[i + 1]);
    }
    return new Flag(type, map);
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
