package io.livejury.jury;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room's audience counts a viewer by one precomputed instant; it must say exactly what {@link JuryRule#reason}
 * says, without the draw, for a prompt opening at any moment.
 */
class DecidesFromTest {

  private static final long T0 = 1_764_000_000_000L;

  @Test
  void agreesWithTheRuleOfAPromptOpeningAtAnyMoment() {
    int checked = 0;
    for (int presence : new int[] {0, 1, 30}) {
      for (int minDays : new int[] {0, 1, 7}) {
        for (boolean requireVerified : new boolean[] {false, true}) {
          JuryPolicy policy = new JuryPolicy(true, presence, minDays, requireVerified, null, 200, 24, 60);
          for (Long created : new Long[] {null, T0 / 1000 - 8 * 86_400, T0 / 1000 - 86_400, T0 / 1000 + 3}) {
            for (boolean verified : new boolean[] {false, true}) {
              for (boolean conflicted : new boolean[] {false, true}) {
                JurorProfile juror = new JurorProfile("u1", new JurorClaims(created, verified, Set.of(), null), "n",
                    T0 + 250, 1);
                long from = policy.decidesFromMs(juror, conflicted);
                for (long at = T0 - 2_000; at <= T0 + 8L * 86_400_000 + 40_000; at += at < T0 + 60_000 ? 7 : 3_600_001) {
                  JuryRule rule = new JuryRule(null, 0, 1, "", presence, minDays, requireVerified, at);
                  assertThat(at >= from).as("opening at %d, decides from %d", at, from)
                      .isEqualTo(rule.reason(juror, conflicted) == null);
                  checked++;
                }
                if (from != Long.MAX_VALUE) {
                  // The boundary itself, to the millisecond.
                  for (long at : new long[] {from - 1, from, from + 1}) {
                    JuryRule rule = new JuryRule(null, 0, 1, "", presence, minDays, requireVerified, at);
                    assertThat(rule.reason(juror, conflicted) == null).as("opening at %d", at).isEqualTo(at >= from);
                  }
                }
              }
            }
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(1_000_000);
  }

  @Test
  void aConflictedOrUnverifiedJurorNeverDecides() {
    JuryPolicy policy = new JuryPolicy(true, 0, 0, true, null, 200, 24, 60);
    JurorProfile verified = new JurorProfile("u2", new JurorClaims(null, true, Set.of(), null), "n", T0, 1);
    JurorProfile unverified = new JurorProfile("u3", new JurorClaims(null, false, Set.of(), null), "n", T0, 1);
    assertThat(policy.decidesFromMs(verified, false)).isEqualTo(T0);
    assertThat(policy.decidesFromMs(verified, true)).isEqualTo(Long.MAX_VALUE);
    assertThat(policy.decidesFromMs(unverified, false)).isEqualTo(Long.MAX_VALUE);
  }
}
