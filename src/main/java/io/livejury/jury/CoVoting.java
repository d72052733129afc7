package io.livejury.jury;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code co_voting} check (thresholds in {@link FlagRules}), one step per earlier prompt of the room. Why:
 * a coordinated group (a fan club's call to vote, a farm of accounts run by one script) votes together again and
 * again: the same option within seconds of each other, prompt after prompt. Honest viewers who happen to vote in
 * the same seconds once are common; the same dozen again on the next prompts is not.
 *
 * <p>How: this prompt's ballots are cut into groups per option and per window: windows of
 * {@code coVotingWindowSeconds}, starting every half window, so any set of ballots cast within half a window of
 * each other falls whole into one group however the clock's boundaries lie. Groups of at least
 * {@code coVotingMinJurors} are followed (at most {@code coVotingMaxJurors} of each, the earliest, so a huge
 * honest room stays cheap). For each earlier prompt, newest first, the caller reads the ballots of the jurors
 * still followed ({@link #wanted()}) and hands them to {@link #next}; each group keeps the largest part of it
 * that voted there with one option, all within one window of {@code coVotingWindowSeconds} (greedy: the biggest
 * part, not every part). A prompt where that part is smaller than {@code coVotingMinJurors} is skipped: the group
 * is kept as it was. A group that kept at least {@code coVotingMinJurors} jurors on at least
 * {@code coVotingMinPrompts} prompts, this one included, is flagged. Immutable: each step returns a new walk.
 *
 * @param groups      the groups still followed
 * @param earlierLeft how many earlier prompts are still to be walked
 */
public record CoVoting(FlagRules rules, List<Group> groups, int earlierLeft) {

  /**
   * @param option  the option the group voted on this prompt
   * @param jurors  its jurors, in the order they voted on this prompt
   * @param prompts on how many prompts they voted together so far, this one included
   */
  public record Group(String option, List<String> jurors, int prompts) {

    public Group {
      jurors = List.copyOf(jurors);
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
    List<Group> groups = new ArrayList<>();
    byOptionAndHalf.forEach((option, halves) -> halves.forEach((half, first) -> {
      List<CountedBallot> window = new ArrayList<>(first);
      window.addAll(halves.getOrDefault(half + 1, List.of()));
      if (window.size() >= rules.coVotingMinJurors()) {
        window.sort(CoordinationFlags.BY_TIME);
        groups.add(new Group(option, window.stream().limit(rules.coVotingMaxJurors())
            .map(CountedBallot::userId).toList(), 1));
      }
    }));
    return new CoVoting(rules, groups, earlierPrompts);
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
   * {@link #wanted()} jurors who voted there.
   */
  public CoVoting next(Map<String, CountedBallot> onEarlier) {
    List<Group> stepped = new ArrayList<>();
    for (Group group : groups) {
      List<CountedBallot> theirs = group.jurors().stream().map(onEarlier::get)
          .filter(b -> b != null && b.timed()).toList();
      List<String> together = largestTogether(theirs);
      stepped.add(together.size() >= rules.coVotingMinJurors()
          ? new Group(group.option(), together, group.prompts() + 1)
          : group);
    }
    return new CoVoting(rules, stepped, Math.max(0, earlierLeft - 1));
  }

  /**
   * The flag of the strongest group that voted together on at least {@code coVotingMinPrompts} prompts (most
   * prompts, then most jurors); detail {@code {"jurors", "prompts", "windowSeconds", "option"}}, option as voted
   * on this prompt.
   */
  public Optional<Flag> flag() {
    return groups.stream()
        .filter(g -> g.prompts() >= rules.coVotingMinPrompts())
        .max(Comparator.comparingInt(Group::prompts).thenComparingInt(g -> g.jurors().size()))
        .map(g -> CoordinationFlags.flag(Flag.CO_VOTING, "jurors", g.jurors().size(), "prompts", g.prompts(),
            "windowSeconds", rules.coVotingWindowSeconds(), "option", g.option()));
  }

  /** The users of the most ballots of one option cast within one window of each other; the earliest on a tie. */
  private List<String> largestTogether(List<CountedBallot> ballots) {
    long windowMs = rules.coVotingWindowSeconds() * 1000L;
    List<String> best = List.of();
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
        if (end - start > best.size()) {
          best = sorted.subList(start, end).stream().map(CountedBallot::userId).toList();
        }
      }
    }
    return best;
  }
}
