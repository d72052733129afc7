package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns what every simulated viewer of a round saw into the figures of a load run, and checks it: each
 * viewer got the ack its plan calls for, at least the final tally and exactly one verdict, and each room's verdict counts equal the
 * ballots its viewers had accepted (zero lost, zero double-counted).
 */
final class LoadReport {

  private LoadReport() {
  }

  /** {@code promptSentAt} and {@code closesAt} are per room, in {@link System#nanoTime()} like the outcomes. */
  static JsonObject of(List<Voter.Outcome> outcomes, List<String> roomIds, Map<String, Long> promptSentAt,
      Map<String, Long> closesAt, int promptSeconds, Map<String, Duration> verdictToPenalty) {
    List<Long> fanOut = new ArrayList<>();
    List<Long> acks = new ArrayList<>();
    List<Long> closeToVerdict = new ArrayList<>();
    TreeMap<Long, List<Long>> acksBySecond = new TreeMap<>();
    Map<String, Map<String, Long>> accepted = new HashMap<>();
    Map<String, JsonObject> verdictOf = new HashMap<>();
    JsonArray problems = new JsonArray();
    long votingStart = promptSentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long firstBallot = Long.MAX_VALUE;
    long lastAck = 0;
    long acceptedTotal = 0;
    long tallyFrames = 0;
    int tallyPeak = 0;
    for (Voter.Outcome viewer : outcomes) {
      String roomId = viewer.roomId();
      if (viewer.promptAt() > 0) {
        fanOut.add(viewer.promptAt() - promptSentAt.get(roomId));
      }
      if (viewer.ackAt() > 0 && !viewer.plan().late()) {
        long latency = viewer.ackAt() - viewer.ballotSentAt();
        acks.add(latency);
        acksBySecond.computeIfAbsent((viewer.ballotSentAt() - votingStart) / 1_000_000_000L, s -> new ArrayList<>())
            .add(latency);
        firstBallot = Math.min(firstBallot, viewer.ballotSentAt());
        lastAck = Math.max(lastAck, viewer.ackAt());
      }
      if (viewer.verdictAt() > 0) {
        closeToVerdict.add(Math.max(0, viewer.verdictAt() - closesAt.get(roomId)));
        verdictOf.put(roomId, new JsonObject(viewer.verdict()));
      }
      tallyFrames += viewer.tallies();
      tallyPeak = Math.max(tallyPeak, viewer.tallyPeak());
      String expected = viewer.plan().silent() ? null : viewer.plan().late() ? "closed" : "accepted";
      if (!Objects.equals(expected, viewer.firstAck())) {
        problems.add(viewer.userId() + " got " + viewer.firstAck() + " instead of " + expected);
      }
      if (viewer.plan().duplicate() && !"duplicate".equals(viewer.secondAck())) {
        problems.add(viewer.userId() + " duplicate got " + viewer.secondAck());
      }
      if (viewer.dropped() != null) {
        problems.add(viewer.userId() + " was dropped by the node: " + viewer.dropped());
      }
      if (viewer.tallies() < 1) {
        problems.add(viewer.userId() + " saw no tally (the final one goes to every socket before the verdict)");
      }
      if (viewer.verdicts() != 1) {
        problems.add(viewer.userId() + " saw " + viewer.verdicts() + " verdicts");
      }
      if ("accepted".equals(viewer.firstAck())) {
        acceptedTotal++;
        accepted.computeIfAbsent(roomId, r -> new HashMap<>()).merge(viewer.plan().option(), 1L, Long::sum);
      }
    }
    for (String roomId : roomIds) {
      JsonObject verdict = verdictOf.get(roomId);
      if (verdict == null) {
        problems.add(roomId + " has no verdict");
        continue;
      }
      Map<String, Long> counted = accepted.getOrDefault(roomId, Map.of());
      JsonObject counts = verdict.getJsonObject("counts");
      for (String option : List.of("true", "false", "unsure")) {
        if (counts.getLong(option, 0L) != counted.getOrDefault(option, 0L).longValue()) {
          problems.add(roomId + " counted " + counts.getLong(option) + " '" + option + "' but "
              + counted.get(option) + " were accepted");
        }
      }
      if ("FALSE_CLAIM".equals(verdict.getString("outcome")) && !verdictToPenalty.containsKey(roomId)) {
        problems.add(roomId + " was found false but no penalty row names its verdict");
      }
    }
    JsonArray series = new JsonArray();
    acksBySecond.forEach((second, latencies) -> series.add(Percentiles.of(latencies).toJson().put("second", second)));
    double votingSeconds = Math.max(0.001, (lastAck - firstBallot) / 1e9);
    return new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores (generator and nodes share them)")
        .put("sockets", outcomes.size())
        .put("rooms", roomIds.size())
        .put("promptSeconds", promptSeconds)
        .put("fanOut", Percentiles.of(fanOut).toJson())
        .put("ack", Percentiles.of(acks).toJson())
        .put("acceptedBallots", acceptedTotal)
        .put("acceptedPerSecond", Math.round(acks.size() / votingSeconds))
        .put("tallyFramesPerSocketPerSecond", Math.round(100.0 * tallyFrames / outcomes.size() / promptSeconds) / 100.0)
        .put("tallyFramesPerSocketPeakInOneSecond", tallyPeak)
        .put("closeToVerdict", Percentiles.of(closeToVerdict).toJson())
        .put("verdictToPenaltyRow", Percentiles.of(verdictToPenalty.values().stream().map(Duration::toNanos).toList()).toJson())
        .put("ackBySecond", series)
        .put("problems", problems)
        .put("correct", problems.isEmpty());
  }

  /** The verdicts of false claims, by room, so their penalty rows can be looked up. */
  static Map<String, JsonObject> condemned(List<Voter.Outcome> outcomes) {
    Map<String, JsonObject> verdicts = new HashMap<>();
    for (Voter.Outcome viewer : outcomes) {
      if (viewer.verdict() != null) {
        JsonObject verdict = new JsonObject(viewer.verdict());
        if ("FALSE_CLAIM".equals(verdict.getString("outcome"))) {
          verdicts.put(viewer.roomId(), verdict);
        }
      }
    }
    return verdicts;
  }
}
