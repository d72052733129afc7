package io.livejury.verdict;

import io.livejury.model.PromptKinds;
import org.junit.jupiter.api.Test;

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
}
