package io.livejury.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a subscriber connection counts as lost: a silence limit of 5 s and a timeout of 4 s. */
class HeartbeatTest {

  private static final long MS = 1_000_000;

  @Test
  void aHeartbeatRedisConfirmedButTheSubscriberNeverHeardLosesTheConnection() {
    Heartbeat heartbeat = new Heartbeat(5_000, 4_000);
    heartbeat.connected(0);
    heartbeat.published(1_000 * MS, 1_500 * MS);
    assertThat(heartbeat.lost(5_000 * MS)).as("silent, but within the limit").isFalse();
    assertThat(heartbeat.lost(5_400 * MS)).as("silent past the limit, confirmed only 3.9 s ago").isFalse();
    assertThat(heartbeat.lost(5_501 * MS)).as("confirmed over 4 s ago, unheard").isTrue();
  }

  @Test
  void silenceWhileTheHeartbeatsWaitBehindABurstOfCommandsIsNotLoss() {
    Heartbeat heartbeat = new Heartbeat(5_000, 4_000);
    heartbeat.connected(0);
    heartbeat.heard(500 * MS);
    // Published at 1 s, 2 s, ...: Redis answers none of them for 20 s (the command connection is backed up).
    assertThat(heartbeat.lost(20_000 * MS)).isFalse();
    // Then the queue drains: the heartbeat sent at 1 s is confirmed at 20.1 s and heard at 20.2 s.
    heartbeat.published(1_000 * MS, 20_100 * MS);
    heartbeat.heard(20_200 * MS);
    assertThat(heartbeat.lost(24_000 * MS)).isFalse();
  }

  @Test
  void aFailedPublishAfterTheSilenceLimitLosesTheConnection() {
    Heartbeat heartbeat = new Heartbeat(5_000, 4_000);
    heartbeat.connected(0);
    heartbeat.publishFailed();
    assertThat(heartbeat.lost(5_000 * MS)).isFalse();
    assertThat(heartbeat.lost(5_001 * MS)).isTrue();
    heartbeat.published(5_000 * MS, 5_010 * MS);
    heartbeat.heard(5_020 * MS);
    assertThat(heartbeat.lost(6_000 * MS)).as("heard again").isFalse();
  }

  @Test
  void aServerThatAnswersNothingLosesTheConnectionAfterSixSilenceLimits() {
    Heartbeat heartbeat = new Heartbeat(5_000, 4_000);
    heartbeat.connected(0);
    assertThat(heartbeat.lost(30_000 * MS)).isFalse();
    assertThat(heartbeat.lost(30_001 * MS)).isTrue();
    assertThat(heartbeat.silenceMs(30_001 * MS)).isEqualTo(30_001);
  }

  @Test
  void aConfirmationOfAHeartbeatSentBeforeTheLastHeardSaysNothing() {
    Heartbeat heartbeat = new Heartbeat(5_000, 4_000);
    heartbeat.connected(0);
    heartbeat.heard(2_000 * MS);
    heartbeat.published(1_000 * MS, 2_500 * MS);
    assertThat(heartbeat.lost(7_500 * MS)).isFalse();
    heartbeat.connected(8_000 * MS);
    assertThat(heartbeat.lost(12_000 * MS)).as("a new connection starts heard").isFalse();
  }
}
