package io.livejury.jury;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code co_voting} check (thresholds in {@link FlagRules}), one step per earlier prompt of the room. Why:
 * a coordinated group (a fan club's call to vote, a farm of accounts run by one script) votes together again and
 * again: the same option within seconds of each other, prompt after prompt. Honest viewers who happen to vote in
 * the same seconds once are common; the same dozen again on the next prompts is not.
 *
 * <p>How: this prompt's ballots are cut into groups per option and per window: windows of
 * {@code coVotingWindowSeconds}, starting every half window, so any set of ballots cast within half a window of
 * each other falls whole into one group however the clock's boundaries lie. Groups of at least
 * {@code coVotingMinJurors} are followed, smallest first, as long as the jurors followed number at most
 * {@code coVotingMaxJurors}: a clique is a handful of jurors in one window, a window holding thousands is a big
 * room's crowd, and the bound keeps the walk of a huge room to at most that many HMGET fields per earlier prompt
 * (a one-sided wave of thousands is a {@code burst}). For each earlier prompt, newest first, the caller reads the
 * ballots of the jurors still followed ({@link #wanted()}) and that prompt's ballots per second and option
 * ({@link Spread}), and hands them to {@link #next}. Each group keeps the part of it that voted there with one
 * option, all within one window of {@code coVotingWindowSeconds}, of at least {@code coVotingMinJurors} jurors,
 * that chance explains worst (greedy: one part, not every part); a prompt where no such part is rarer than
 * {@code coVotingMaxChance} is skipped, the group kept as it was. A group kept on at least {@code coVotingMinPrompts} prompts, this one
 * included, is flagged. Immutable: each step returns a new walk.
 *
 * <p>Chance: if the group's m jurors who voted on that prompt had voted like everyone else there, each would fall
 * in a window, with an option, with the share q of that prompt's ballots cast there with it (counted over the
 * whole seconds the window touches, which can only overstate q); k of them bunching there has the binomial tail
 * P(X ≥ k), X ~ Binomial(m, q). The test is what keeps a big room's honest crowd out: most of its viewers vote
 * in the first seconds of every prompt, so thousands of them share a window on every prompt, and without it the
 * dozens that do so again by chance on the next prompts would be flagged on every verdict.
 *
 * @param groups      the groups still followed
 * @param earlierLeft how many earlier prompts are still to be walked
 */
public record CoVoting(FlagRules rules, List<Group> groups, int earlierLeft) {

  /**
   * Windows less than this many standard deviations above chance are not weighed exactly: their binomial tail is
   * above 0.1 %, the most {@code coVotingMaxChance} may be (unless nearly all of that prompt's ballots fell in the
   * window, where bunching says nothing anyway).
   */
  private static final double PLAUSIBLE_SD = 3;

  /**
   * @param option  the option the group voted on this prompt
   * @param jurors  its jurors, in the order they voted on this prompt
   * @param prompts on how many prompts they voted together so far, this one included
   * @param chance  the largest chance of the earlier prompts counted: how likely the least telling repeat was
   */
  public record Group(String option, List<String> jurors, int prompts, double chance) {

    public Group {
      jurors = List.copyOf(jurors);
    }
  }

  /**
   * An earlier prompt's ballots per second and option (its curve hash: {@code "<epoch second>:<option>"} → n): how
   * all of its voters spread over time, against which a group's bunching is judged.
   */
  public record Spread(Map<String, NavigableMap<Long, Long>> perOption, long total) {

    public static Spread of(Map<String, Long> curve) {
      Map<String, NavigableMap<Long, Long>> perOption = new HashMap<>();
      long total = 0;
      for (Map.Entry<String, Long> entry : curve.entrySet()) {
        int colon = entry.getKey().indexOf(':');
        if (colon > 0) {
          try {
            long second = Long.parseLong(entry.getKey().substring(0, colon));
            perOption.computeIfAbsent(entry.getKey().substring(colon + 1), o -> new TreeMap<>())
                .merge(second, entry.getValue(), Long::sum);
            total += entry.getValue();
          } catch (NumberFormatException ignored) {
            // not a curve field: nothing to count
          }
        }
      }
      return new Spread(perOption, total);
    }

    /** The share of all ballots cast with {@code option} in the whole seconds that [from, from + window) touches. */
    double share(String option, long fromMs, long windowMs) {
      NavigableMap<Long, Long> seconds = perOption.get(option);
      if (seconds == null || total == 0) {
        return 0;
      }
      long in = 0;
      for (long n : seconds.subMap(fromMs / 1000, true, (fromMs + windowMs - 1) / 1000, true).values()) {
        in += n;
      }
      return (double) in / total;
    }
  }

  public CoVoting {
    groups = groups.stream().filter(g -> g.prompts() >= rules.coVotingMinPrompts()
        || g.prompts() + earlierLeft >= rules.coVotingMinPrompts()).toList();
  }

  static CoVoting start(FlagRules rules, Collection<CountedBallot> ballots, int earlierPrompts) {
    long halfWindowMs = Math.max(1, rules.coVotingWindowSeconds() * 500L);
    Map<String, TreeMap<Long, List<CountedBallot>>> byOptionAndHalf = ballots.stream()
        .filter(CountedBallot::timed)
        .collect(Collectors.groupingBy(CountedBallot::option, TreeMap::new,
            Collectors.groupingBy(b -> b.castAtMs() / halfWindowMs, TreeMap::new, Collectors.toList())));
    List<Window> windows = new ArrayList<>();
    byOptionAndHalf.forEach((option, halves) -> halves.forEach((half, first) -> {
      List<CountedBallot> second = halves.getOrDefault(half + 1, List.of());
      if (first.size() + second.size() >= rules.coVotingMinJurors()) {
        windows.add(new Window(option, half, first, second));
      }
    }));
    // Smallest first, within the budget: a clique is a handful in a window, a window of thousands is a crowd.
    windows.sort(Comparator.comparingInt(Window::size).thenComparing(Window::option).thenComparingLong(Window::half));
    Set<String> followed = new HashSet<>();
    List<Group> groups = new ArrayList<>();
    for (Window window : windows) {
      List<String> jurors = window.jurors();
      if (followed.size() + jurors.stream().filter(j -> !followed.contains(j)).count() > rules.coVotingMaxJurors()) {
        break;
      }
      followed.addAll(jurors);
      groups.add(new Group(window.option(), jurors, 1, 0));
    }
    return new CoVoting(rules, groups, earlierPrompts);
  }

  /** The ballots of one option in two consecutive half windows of this prompt. */
  private record Window(String option, long half, List<CountedBallot> first, List<CountedBallot> second) {

    int size() {
      return first.size() + second.size();
    }

    /** Its jurors in the order they voted. */
    List<String> jurors() {
      return Stream.concat(first.stream(), second.stream()).sorted(CoordinationFlags.BY_TIME)
          .map(CountedBallot::userId).toList();
    }
  }

  /** The jurors whose ballots on the next earlier prompt the walk needs; empty when the walk is over. */
  public Set<String> wanted() {
    Set<String> wanted = new LinkedHashSet<>();
    if (earlierLeft > 0) {
      groups.forEach(g -> wanted.addAll(g.jurors()));
    }
    return wanted;
  }

  /**
   * One step back: {@code onEarlier} holds the ballots, on the next earlier prompt, of (at least) the
   * {@link #wanted()} jurors who voted there, {@code spread} all of that prompt's ballots over time. A prompt whose
   * spread is unknown (no ballots counted there, or its curve gone) is skipped.
   */
  public CoVoting next(Map<String, CountedBallot> onEarlier, Spread spread) {
    List<Group> stepped = new ArrayList<>();
    double[] logFactorials = logFactorials(groups.stream().mapToInt(g -> g.jurors().size()).max().orElse(0));
    for (Group group : groups) {
      List<CountedBallot> theirs = group.jurors().stream().map(onEarlier::get)
          .filter(b -> b != null && b.timed()).toList();
      Bunch bunch = spread.total() == 0 ? null : leastLikely(theirs, spread, logFactorials);
      stepped.add(bunch != null && bunch.chance() <= rules.coVotingMaxChance()
          ? new Group(group.option(), bunch.jurors(), group.prompts() + 1, Math.max(group.chance(), bunch.chance()))
          : group);
    }
    return new CoVoting(rules, stepped, Math.max(0, earlierLeft - 1));
  }

  /**
   * The flag of the strongest group that voted together on at least {@code coVotingMinPrompts} prompts (most
   * prompts, then most jurors); detail {@code {"jurors", "prompts", "windowSeconds", "option", "chance"}}, option as
   * voted on this prompt, chance the largest of its earlier prompts' (3 significant digits).
   */
  public Optional<Flag> flag() {
    return groups.stream()
        .filter(g -> g.prompts() >= rules.coVotingMinPrompts())
        .max(Comparator.comparingInt(Group::prompts).thenComparingInt(g -> g.jurors().size()))
        .map(g -> CoordinationFlags.flag(Flag.CO_VOTING, "jurors", g.jurors().size(), "prompts", g.prompts(),
            "windowSeconds", rules.coVotingWindowSeconds(), "option", g.option(),
            "chance", new BigDecimal(g.chance()).round(new MathContext(3)).doubleValue()));
  }

  /** Jurors bunched in one window with one option, and the chance of so many doing so. */
  private record Bunch(List<String> jurors, double chance) {
  }

  /**
   * Of the windows where at least {@code coVotingMinJurors} of these ballots share an option, the one chance explains
   * worst (smallest binomial tail; on a tie the bigger, then the earlier); null when none is plausibly more than
   * chance.
   */
  private Bunch leastLikely(List<CountedBallot> ballots, Spread spread, double[] logFactorials) {
    long windowMs = rules.coVotingWindowSeconds() * 1000L;
    int m = ballots.size();
    Bunch best = null;
    Map<String, List<CountedBallot>> byOption = ballots.stream()
        .collect(Collectors.groupingBy(CountedBallot::option, TreeMap::new, Collectors.toList()));
    for (List<CountedBallot> same : byOption.values()) {
      List<CountedBallot> sorted = same.stream().sorted(CoordinationFlags.BY_TIME).toList();
      int end = 0;
      for (int start = 0; start < sorted.size(); start++) {
        long from = sorted.get(start).castAtMs();
        while (end < sorted.size() && sorted.get(end).castAtMs() < from + windowMs) {
          end++;
        }
        int k = end - start;
        if (k < rules.coVotingMinJurors()) {
          continue;
        }
        double q = spread.share(sorted.get(start).option(), from, windowMs);
        if (q <= 0) {
          continue; // the spread does not show these ballots (a curve cut short): nothing to judge them against
        }
        double mean = m * q;
        double sd = Math.sqrt(m * q * (1 - q));
        if (k <= mean || sd > 0 && (k - mean) / sd < PLAUSIBLE_SD) {
          continue;
        }
        double chance = tail(m, k, q, logFactorials);
        if (best == null || chance < best.chance() || chance == best.chance() && k > best.jurors().size()) {
          best = new Bunch(sorted.subList(start, end).stream().map(CountedBallot::userId).toList(), chance);
        }
      }
    }
    return best;
  }

  /** P(X ≥ k) for X ~ Binomial(m, q), k above the mean, summed from k until the terms no longer matter. */
  static double tail(int m, int k, double q, double[] logFactorials) {
    if (q >= 1) {
      return 1;
    }
    double logQ = Math.log(q);
    double logNotQ = Math.log1p(-q);
    double sum = 0;
    for (int j = k; j <= m; j++) {
      double term = Math.exp(logFactorials[m] - logFactorials[j] - logFactorials[m - j] + j * logQ + (m - j) * logNotQ);
      sum += term;
      if (term <= sum * 1e-15) {
        break;
      }
    }
    return Math.min(1, sum);
  }

  /** ln(n!) for n = 0…max. */
  static double[] logFactorials(int max) {
    double[] table = new double[max + 1];
    for (int n = 2; n <= max; n++) {
      table[n] = table[n - 1] + Math.log(n);
    }
    return table;
  }
}
