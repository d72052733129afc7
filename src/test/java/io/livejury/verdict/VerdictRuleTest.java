package io.livejury.verdict;

import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.Verdict;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictRuleTest {

  private final VerdictRule rule = new VerdictRule(30, 1.96, 0.6, 0.4);

  private VerdictRule.Decision claim(long truths, long falses, long unsure) {
    return rule.decide(PromptKinds.get("claim"), Map.of("true", truths, "false", falses, "unsure", unsure));
  }

  @Test
  void seventyPercentFalseOfTwoHundredIsAFalseClaim() {
    VerdictRule.Decision decision = claim(60, 140, 0);
    assertThat(decision.outcome()).isEqualTo("FALSE_CLAIM");
    assertThat(decision.confidence()).isBetween(0.6, 0.7);
  }

  @Test
  void belowQuorumIsInconclusiveHoweverOneSided() {
    assertThat(claim(0, 29, 500).outcome()).isEqualTo("INCONCLUSIVE");
    assertThat(claim(0, 29, 500).confidence()).isZero();
  }

  @Test
  void quorumCountsOnlyDecisiveBallots() {
    assertThat(claim(0, 30, 0).outcome()).isEqualTo("FALSE_CLAIM");
  }

  @Test
  void mostlyTrueIsNotFalse() {
    assertThat(claim(170, 30, 10).outcome()).isEqualTo("NOT_FALSE");
  }

  @Test
  void aCloseSplitIsInconclusive() {
    assertThat(claim(100, 100, 0).outcome()).isEqualTo("INCONCLUSIVE");
    // 65% false of 40 is not enough: its lower bound stays under 0.6
    assertThat(claim(14, 26, 0).outcome()).isEqualTo("INCONCLUSIVE");
  }

  @Test
  void wilsonBoundsMatchTheTextbookValues() {
    // 70 of 100: Wilson 95% interval is about [0.604, 0.781]
    assertThat(rule.wilsonLower(0.7, 100)).isCloseTo(0.6041, org.assertj.core.data.Offset.offset(0.0005));
    assertThat(rule.wilsonUpper(0.7, 100)).isCloseTo(0.7810, org.assertj.core.data.Offset.offset(0.0005));
  }

  @Test
  void atmospherePromptsUseTheirOwnOutcomeNames() {
    var kind = PromptKinds.get("atmosphere");
    assertThat(rule.decide(kind, Map.of("staged", 80L, "genuine", 10L)).outcome()).isEqualTo("STAGED");
    assertThat(rule.decide(kind, Map.of("staged", 5L, "genuine", 90L)).outcome()).isEqualTo("NOT_STAGED");
  }

  @Test
  void everyThresholdIsConfiguration() {
    VerdictRule strict = new VerdictRule(500, 1.96, 0.6, 0.4);
    assertThat(strict.decide(PromptKinds.get("claim"), Map.of("true", 60L, "false", 140L)).outcome())
        .isEqualTo("INCONCLUSIVE");
  }

  /** {@code ballots} ballots of {@code weight} each, summed one by one as the closer sums them. */
  private static VerdictRule.Weight weigh(int ballots, double weight) {
    VerdictRule.Weight sum = VerdictRule.Weight.NONE;
    for (int i = 0; i < ballots; i++) {
      sum = sum.plus(weight);
    }
    return sum;
  }

  private VerdictRule.Decision weighted(int truths, double truthWeight, int falses, double falseWeight) {
    return rule.decide(PromptKinds.get("claim"), Map.of("true", (long) truths, "false", (long) falses, "unsure", 0L),
        Map.of("true", weigh(truths, truthWeight), "false", weigh(falses, falseWeight)));
  }

  /** The rule as it was before weights, kept verbatim as the reference the weighted rule must reproduce. */
  private static VerdictRule.Decision unweightedReference(PromptKind kind, Map<String, Long> counts) {
    long condemning = counts.getOrDefault(kind.condemning(), 0L);
    long clearing = counts.getOrDefault(kind.clearing(), 0L);
    long n = condemning + clearing;
    if (n == 0 || n < 30) {
      return new VerdictRule.Decision(Verdict.INCONCLUSIVE, 0.0);
    }
    double z = 1.96;
    double z2 = z * z;
    double p = (double) condemning / n;
    double center = (p + z2 / (2.0 * n)) / (1 + z2 / n);
    double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    double lower = center - margin;
    double upper = center + margin;
    if (lower >= 0.6) {
      return new VerdictRule.Decision(kind.condemned(), Math.round(lower * 10_000) / 10_000.0);
    }
    if (upper <= 0.4) {
      return new VerdictRule.Decision(kind.cleared(), Math.round((1 - upper) * 10_000) / 10_000.0);
    }
    return new VerdictRule.Decision(Verdict.INCONCLUSIVE, Math.round(Math.max(lower, 1 - upper) * 10_000) / 10_000.0);
  }

  @Test
  void weightsOfOneGiveExactlyTheUnweightedDecision() {
    PromptKind kind = PromptKinds.get("claim");
    for (int truths = 0; truths <= 160; truths += 1) {
      for (int falses = 0; falses <= 160; falses += 3) {
        Map<String, Long> counts = new HashMap<>(Map.of("true", (long) truths, "false", (long) falses, "unsure", 7L));
        VerdictRule.Decision reference = unweightedReference(kind, counts);
        assertThat(rule.decide(kind, counts)).isEqualTo(reference);
        assertThat(weighted(truths, 1, falses, 1)).as("%d true, %d false", truths, falses).isEqualTo(reference);
      }
    }
  }

  @Test
  void weightsMoveTheShareAndTheEffectiveSampleSizeNarrowsTheInterval() {
    // 20 "false" jurors of weight 3 against 20 "true" of weight 0.25: p = 60/65 = 0.9231 on n_eff = 65²/181.25 =
    // 23.31 ballots, Wilson lower bound 0.7465. Unweighted the same ballots are a 50/50 split.
    assertThat(weighted(20, 0.25, 20, 3)).isEqualTo(new VerdictRule.Decision("FALSE_CLAIM", 0.7465));
    assertThat(weighted(20, 1, 20, 1).outcome()).isEqualTo("INCONCLUSIVE");
    // 40 "false" against 10 "true" condemns (p 0.8 on 50, lower bound 0.6696); the same 10 at weight 3 bring p to
    // 40/70 = 0.5714 on n_eff 70²/130 = 37.69: inconclusive, its best bound 0.4142.
    assertThat(weighted(10, 1, 40, 1)).isEqualTo(new VerdictRule.Decision("FALSE_CLAIM", 0.6696));
    assertThat(weighted(10, 3, 40, 1)).isEqualTo(new VerdictRule.Decision("INCONCLUSIVE", 0.4142));
  }

  @Test
  void scalingEveryWeightChangesNothing() {
    assertThat(weighted(12, 2, 48, 2)).isEqualTo(weighted(12, 1, 48, 1));
    assertThat(weighted(12, 0.25, 48, 0.25)).isEqualTo(weighted(12, 1, 48, 1));
  }

  @Test
  void theQuorumCountsBallotsNotWeight() {
    assertThat(weighted(0, 1, 29, 3)).isEqualTo(new VerdictRule.Decision("INCONCLUSIVE", 0.0));
    assertThat(weighted(0, 1, 30, 0.25).outcome()).isEqualTo("FALSE_CLAIM");
    assertThat(weighted(0, 1, 30, 0)).as("jurors who weigh nothing are no evidence")
        .isEqualTo(new VerdictRule.Decision("INCONCLUSIVE", 0.0));
  }
}
