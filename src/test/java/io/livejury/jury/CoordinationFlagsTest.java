package io.livejury.jury;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The coordination flags on hand-made ballots, with the numbers in their details worked out exactly. */
class CoordinationFlagsTest {

  /** The shipped defaults. */
  private static final FlagRules RULES = new FlagRules(10, 0.2, 20, 2, 4.0, 2, 10, 3, 10, 5000, 1e-6);
  private static final long T0 = 1_800_000_000_000L;

  private final CoordinationFlags flags = new CoordinationFlags(RULES);

  private static CountedBallot ballot(String user, String option, long at, String net) {
    return new CountedBallot(user, option, at, net, 1);
  }

  private static CountedBallot ballot(String user, String option, long at) {
    return ballot(user, option, at, "net-" + user);
  }

  @Test
  void votersHashValuesAreReadAsTheBallotScriptWritesThem() {
    List<String> options = List.of("true", "false", "unsure");
    CountedBallot full = CountedBallot.parse("u1", "false 1800000000123 0a1b2c3d4e5f 1.75", options);
    assertThat(full).isEqualTo(new CountedBallot("u1", "false", 1_800_000_000_123L, "0a1b2c3d4e5f", 1.75));
    assertThat(full.option()).isSameAs(options.get(1));
    assertThat(CountedBallot.parse("u2", "true", options))
        .isEqualTo(new CountedBallot("u2", "true", CountedBallot.UNKNOWN_TIME, null, 1));
    assertThat(CountedBallot.parse("u3", "true garbage x y", options))
        .as("a malformed value still counts its option").isEqualTo(new CountedBallot("u3", "true", -1, null, 1));
    assertThat(CountedBallot.parse("u4", "true 5 net NaN", options).weight()).isEqualTo(1);
  }

  @Test
  void fortyCondemningBallotsFromOneNetworkAreASharedNetwork() {
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ballots.add(ballot("brigade-" + i, "false", T0 + i, "aaaaaaaaaaaa"));
    }
    for (int i = 0; i < 10; i++) {
      ballots.add(ballot("other-" + i, "false", T0 + i));
    }
    for (int i = 0; i < 30; i++) {
      // Clearing ballots from the same network are not what the flag is about.
      ballots.add(ballot("fan-" + i, "true", T0 + i, i < 15 ? "aaaaaaaaaaaa" : "net-fan-" + i));
    }
    List<Flag> raised = flags.sharedNetwork(ballots, "false");
    assertThat(raised).hasSize(1);
    assertThat(raised.get(0).type()).isEqualTo("shared_network");
    assertThat(raised.get(0).detail()).containsExactly(Map.entry("net", "aaaaaaaaaaaa"), Map.entry("ballots", 40),
        Map.entry("share", 0.8));
  }

  @Test
  void aSharedNetworkNeedsBothTheCountAndTheShare() {
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ballots.add(ballot("b-" + i, "false", T0, "bbbbbbbbbbbb")); // 10 of 50: share 0.2, exactly the bar
    }
    for (int i = 0; i < 40; i++) {
      ballots.add(ballot("o-" + i, "false", T0));
    }
    assertThat(flags.sharedNetwork(ballots, "false")).singleElement()
        .satisfies(f -> assertThat(f.detail()).containsEntry("ballots", 10).containsEntry("share", 0.2));

    List<CountedBallot> small = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      small.add(ballot("c-" + i, "false", T0, "cccccccccccc")); // 9 of 10: most of them, but fewer than 10
    }
    small.add(ballot("d", "false", T0));
    assertThat(flags.sharedNetwork(small, "false")).isEmpty();

    List<CountedBallot> diluted = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      diluted.add(ballot("e-" + i, "false", T0, "eeeeeeeeeeee")); // 30 of 200: a big room's campus, 0.15
    }
    for (int i = 0; i < 170; i++) {
      diluted.add(ballot("f-" + i, "false", T0));
    }
    assertThat(flags.sharedNetwork(diluted, "false")).isEmpty();
  }

  @Test
  void anHonestRushInTheFirstSecondsIsNoBurst() {
    // 60 ballots in the first 2 s and 120 over the next 58 s, both 3 "false" to 2 "true": the usual rush with the
    // usual mix. Its strongest window is z = 0.47 for "false", far under 4.
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ballots.add(ballot("rush-" + i, i % 5 < 3 ? "false" : "true", T0 + i * 2000L / 60));
    }
    for (int i = 0; i < 120; i++) {
      ballots.add(ballot("late-" + i, i % 5 < 3 ? "false" : "true", T0 + 2000 + i * 58_000L / 120));
    }
    assertThat(flags.bursts(ballots)).isEmpty();
  }

  @Test
  void aOneSidedWaveIsABurst() {
    // 100 honest ballots, one every 600 ms, 7 "true" to 3 "false"; at 30 s, 40 "false" within 0.8 s. The strongest
    // window opens at 28.8 s: 44 ballots, 42 "false" (the 40 and two honest ones), 0.9545 against 0.2917 in the rest:
    // pooled share 72/140, z = (0.9545 − 0.2917) / √(0.5143 · 0.4857 · (1/44 + 1/96)) = 7.28.
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ballots.add(ballot(String.format("h%03d", i), i % 10 < 7 ? "true" : "false", T0 + i * 600L));
    }
    for (int i = 0; i < 40; i++) {
      ballots.add(ballot(String.format("x%03d", i), "false", T0 + 30_000 + i * 20L));
    }
    List<Flag> raised = flags.bursts(ballots);
    assertThat(raised).hasSize(1);
    assertThat(raised.get(0).type()).isEqualTo("burst");
    assertThat(raised.get(0).detail()).containsExactly(Map.entry("option", "false"),
        Map.entry("from", "2027-01-15T08:00:28.800Z"), Map.entry("windowSeconds", 2), Map.entry("ballots", 42),
        Map.entry("windowBallots", 44), Map.entry("windowShare", 0.9545), Map.entry("restShare", 0.2917),
        Map.entry("z", 7.28));
  }

  /** The shipped rules with no bar on z: the strongest window of each option shows, however ordinary. */
  private static final CoordinationFlags NO_BAR =
      new CoordinationFlags(new FlagRules(10, 0.2, 20, 2, 0.0, 2, 10, 3, 10, 5000, 1e-6));

  @Test
  void honestVotersInTheSameMillisecondsAreNoBurst() {
    // 100 honest ballots within 23 ms, 7 "false" to 3 "true" interleaved: 50 in the first millisecond (35 "false",
    // 15 "true"), then 50 over the next 22 ms. Ordered by option within a millisecond, a window opening at the first
    // ballot "true" of the first millisecond left that millisecond's 35 "false" in the rest: 30 "true" of 65 against
    // 0 of 35, z = 0.4615 / √(0.3 · 0.7 · (1/65 + 1/35)) = 4.80, a burst of nothing. A window is a time interval:
    // the one opening at 0 ms holds all 100 (no rest to compare), the one at 1 ms the last 50 against the first 50,
    // 35 "false" of 50 on both sides, z = 0.
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long at = i < 50 ? T0 : T0 + 1 + (i - 50) * 22L / 50;
      ballots.add(ballot(String.format("c%03d", i), i % 10 < 7 ? "false" : "true", at));
    }
    assertThat(flags.bursts(ballots)).isEmpty();
    assertThat(NO_BAR.bursts(ballots)).singleElement().satisfies(strongest ->
        assertThat(strongest.detail()).containsExactly(Map.entry("option", "false"),
            Map.entry("from", "2027-01-15T08:00:00.001Z"), Map.entry("windowSeconds", 2), Map.entry("ballots", 35),
            Map.entry("windowBallots", 50), Map.entry("windowShare", 0.7), Map.entry("restShare", 0.7),
            Map.entry("z", 0.0)));
  }

  @Test
  void aPerfectlyInterleavedCrowdInTwoMillisecondsIsNoBurst() {
    // 100 ballots in 2 ms, 50 a millisecond, each millisecond 35 "true" to 15 "false" in the same alternation. A
    // window opening at the 20th ballot of the first millisecond (by option, a "true") once held 65 "true" of 80
    // against 5 of 20 in the rest: z = (0.8125 − 0.25) / √(0.7 · 0.3 · (1/80 + 1/20)) = 4.91. As time intervals
    // there are two windows, the whole vote and the second millisecond, whose mix is the first's: z = 0.
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ballots.add(ballot(String.format("m%03d", i), i % 10 < 7 ? "true" : "false", T0 + i / 50));
    }
    assertThat(flags.bursts(ballots)).isEmpty();
    assertThat(NO_BAR.bursts(ballots)).singleElement().satisfies(strongest ->
        assertThat(strongest.detail()).containsExactly(Map.entry("option", "true"),
            Map.entry("from", "2027-01-15T08:00:00.001Z"), Map.entry("windowSeconds", 2), Map.entry("ballots", 35),
            Map.entry("windowBallots", 50), Map.entry("windowShare", 0.7), Map.entry("restShare", 0.7),
            Map.entry("z", 0.0)));
  }

  @Test
  void noBurstIsJudgedWhenTheRestOfTheVoteIsTooSmallToCompare() {
    // 20 "false" in 0.8 s and 19 "true" around them: every window that holds the 20 leaves fewer than 20 ballots.
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ballots.add(ballot("w" + i, "false", T0 + i * 40L));
    }
    for (int i = 0; i < 19; i++) {
      ballots.add(ballot("q" + i, "true", T0 + 100 + i * 37L));
    }
    assertThat(flags.bursts(ballots)).isEmpty();
  }

  /**
   * Twelve accounts voting within {@code spreadMs} of {@code at}, and 50 honest viewers spread over the 50 s from
   * 35 s later (none in the twelve's window, so every group is exactly the twelve).
   */
  private static Map<String, CountedBallot> prompt(long at, String botOption, long spreadMs, long seed) {
    Random random = new Random(seed);
    List<CountedBallot> ballots = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ballots.add(ballot("bot-" + i, botOption, at + i * spreadMs / 12));
    }
    for (int i = 0; i < 50; i++) {
      ballots.add(ballot("viewer-" + i, random.nextBoolean() ? "true" : "false", at + 35_000 + random.nextInt(50_000)));
    }
    return ballots.stream().collect(Collectors.toMap(CountedBallot::userId, Function.identity()));
  }

  /** What the earlier prompt's curve says: its ballots per second and option. */
  private static CoVoting.Spread spread(Map<String, CountedBallot> ballots) {
    return CoVoting.Spread.of(ballots.values().stream().collect(Collectors.toMap(
        b -> b.castAtMs() / 1000 + ":" + b.option(), b -> 1L, Long::sum)));
  }

  /** One step of the walk back, with what the earlier prompt holds. */
  private static CoVoting step(CoVoting walk, Map<String, CountedBallot> earlier) {
    return walk.next(earlier, spread(earlier));
  }

  @Test
  void twelveAccountsVotingTogetherOnThreePromptsAreCoVoting() {
    Map<String, CountedBallot> now = prompt(T0 + 11_500, "false", 800, 1); // 11.5-12.3 s: across a 2-s boundary
    CoVoting walk = flags.coVoting(now.values(), 2);
    assertThat(walk.wanted()).as("only the bots voted in one window in numbers")
        .containsExactlyInAnyOrderElementsOf(List.of("bot-0", "bot-1", "bot-2", "bot-3", "bot-4", "bot-5", "bot-6",
            "bot-7", "bot-8", "bot-9", "bot-10", "bot-11"));
    walk = step(walk, prompt(T0 - 300_000, "true", 1_000, 2)); // another option on the prompt before: still together
    assertThat(walk.flag()).isEmpty();
    walk = step(walk, prompt(T0 - 600_000, "false", 300, 3));
    assertThat(walk.wanted()).isEmpty();
    // On each earlier prompt the twelve's window holds 12 of its 62 ballots, so by chance all twelve land there with
    // probability (12/62)^12 = 2.76e-9.
    assertThat(walk.flag()).hasValueSatisfying(flag -> {
      assertThat(flag.type()).isEqualTo("co_voting");
      assertThat(flag.detail()).containsExactly(Map.entry("jurors", 12), Map.entry("prompts", 3),
          Map.entry("windowSeconds", 2), Map.entry("option", "false"), Map.entry("chance", 2.76e-9));
    });
  }

  @Test
  void aPromptTheGroupSkippedDoesNotBreakTheChainButScatteredBallotsDo() {
    Map<String, CountedBallot> now = prompt(T0, "false", 800, 4);
    CoVoting skipping = step(step(step(flags.coVoting(now.values(), 3),
        prompt(T0 - 100_000, "false", 500, 5)),
        new HashMap<>()), // they were not in the room for this one
        prompt(T0 - 300_000, "true", 500, 6));
    assertThat(skipping.flag()).hasValueSatisfying(flag -> assertThat(flag.detail()).containsEntry("prompts", 3));

    CoVoting scattered = step(step(flags.coVoting(now.values(), 2),
        prompt(T0 - 100_000, "false", 500, 7)),
        prompt(T0 - 200_000, "false", 30_000, 8)); // one every 2.5 s: never ten in one window
    assertThat(scattered.flag()).isEmpty();
    assertThat(scattered.groups()).as("no earlier prompt left to reach three").isEmpty();
  }

  @Test
  void honestViewersVotingAtRandomAreNoCoVoting() {
    Random random = new Random(42);
    List<Map<String, CountedBallot>> prompts = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      Map<String, CountedBallot> ballots = new HashMap<>();
      for (int i = 0; i < 300; i++) {
        ballots.put("v" + i, ballot("v" + i, random.nextInt(10) < 6 ? "false" : "true",
            T0 - p * 100_000L + random.nextInt(60_000)));
      }
      prompts.add(ballots);
    }
    CoVoting walk = flags.coVoting(prompts.get(0).values(), 3);
    for (int p = 1; p < 4; p++) {
      walk = step(walk, prompts.get(p));
    }
    assertThat(walk.flag()).isEmpty();
  }

  @Test
  void theSmallestGroupsAreFollowedWithinTheBudget() {
    List<CountedBallot> ballots = new ArrayList<>(prompt(T0, "false", 800, 9).values());
    for (int i = 0; i < 40; i++) {
      ballots.add(ballot("crowd-" + i, "false", T0 + 20_000 + i * 20L)); // forty in 0.8 s, twenty seconds later
    }
    List<String> bots = List.of("bot-0", "bot-1", "bot-2", "bot-3", "bot-4", "bot-5", "bot-6", "bot-7", "bot-8",
        "bot-9", "bot-10", "bot-11");
    assertThat(new CoordinationFlags(new FlagRules(10, 0.2, 20, 2, 4.0, 2, 10, 3, 10, 30, 1e-6))
        .coVoting(ballots, 2).wanted()).as("12 fit in 30, 12 + 40 do not").containsExactlyInAnyOrderElementsOf(bots);
    assertThat(new CoordinationFlags(new FlagRules(10, 0.2, 20, 2, 4.0, 2, 10, 3, 10, 52, 1e-6))
        .coVoting(ballots, 2).wanted()).hasSize(52);
    assertThat(new CoordinationFlags(new FlagRules(10, 0.2, 20, 2, 4.0, 2, 10, 3, 10, 11, 1e-6))
        .coVoting(ballots, 2).wanted()).as("a group is followed whole or not at all").isEmpty();
  }

  @Test
  void aBigRoomRushingToVoteOnEveryPromptIsNoCoVoting() {
    // 3,000 honest jurors a prompt, half of them in its first 4 seconds, 60 % "false". Thousands share a window on
    // every prompt, and dozens of them do so again on the next two by chance alone: kept by size, they would flag
    // every verdict of the room. Weighed against how each earlier prompt's ballots spread, none is rarer than chance.
    Random random = new Random(7);
    List<Map<String, CountedBallot>> prompts = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      long opens = T0 - p * 100_000L;
      Map<String, CountedBallot> ballots = new HashMap<>();
      for (int i = 0; i < 3_000; i++) {
        long at = opens + (random.nextBoolean() ? random.nextInt(4_000) : random.nextInt(60_000));
        ballots.put("j" + i, ballot("j" + i, random.nextInt(10) < 6 ? "false" : "true", at));
      }
      prompts.add(ballots);
    }
    CoVoting walk = flags.coVoting(prompts.get(0).values(), 3);
    assertThat(walk.groups()).as("the rush makes groups of hundreds").isNotEmpty();
    for (int p = 1; p < 4; p++) {
      walk = step(walk, prompts.get(p));
    }
    assertThat(walk.flag()).isEmpty();
  }

  @Test
  void theChanceOfABunchIsTheBinomialTail() {
    double[] logFactorials = CoVoting.logFactorials(100);
    assertThat(CoVoting.tail(12, 12, 0.5, logFactorials)).isCloseTo(Math.pow(0.5, 12), within(1e-18));
    // Σ_{j=8..10} C(10, j) 0.3^j 0.7^(10−j) = 0.0015903864; P(Binomial(100, 0.1) ≥ 25) = 1.3072817e-5.
    assertThat(CoVoting.tail(10, 8, 0.3, logFactorials)).isCloseTo(0.0015903864, within(1e-12));
    assertThat(CoVoting.tail(100, 25, 0.1, logFactorials)).isCloseTo(1.307281743e-5, within(1e-13));
  }
}
