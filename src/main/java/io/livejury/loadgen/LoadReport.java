package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * ballots its viewers had accepted (zero lost, zero double-counted). When a prompt carries a jury block, the
 * draw is recomputed from its seed and rate for every viewer (docs/protocol.md, "Juries"): a drawn viewer's ballot
 * must be accepted, any other's rejected as {@code not_selected}, the verdict must count exactly those
 * exclusions and no other (every viewer of a load passes every other rule), and no verdict may carry a
 * {@code shared_network} flag (every viewer has a network of its own).
 */
final class LoadReport {

  private static final String NOT_SELECTED = "not_selected";

  private LoadReport() {
  }

  /** {@code promptSentAt} and {@code closesAt} are per room, in {@link System#nanoTime()} like the outcomes. */
  static JsonObject of(List<Voter.Outcome> outcomes, List<String> roomIds, Map<String, Long> promptSentAt,
      Map<String, Long> closesAt, Map<String, JsonObject> juryOf, int promptSeconds,
      Map<String, Duration> verdictToPenalty) {
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
    long rejectedTotal = 0;
    Map<String, Long> notDrawn = new HashMap<>();
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
      boolean drawn = drawn(juryOf.get(roomId), viewer.userId());
      boolean onTime = !viewer.plan().silent() && !viewer.plan().late();
      String expected = viewer.plan().silent() ? null : viewer.plan().late() ? "closed" : drawn ? "accepted" : "rejected";
      if (!Objects.equals(expected, viewer.firstAck())) {
        problems.add(viewer.userId() + " got " + viewer.firstAck()
            + (viewer.firstReason() == null ? "" : " (" + viewer.firstReason() + ")") + " instead of " + expected);
      } else if ("rejected".equals(expected) && !NOT_SELECTED.equals(viewer.firstReason())) {
        problems.add(viewer.userId() + " was rejected for " + viewer.firstReason() + " instead of " + NOT_SELECTED);
      }
      if (onTime && !drawn) {
        notDrawn.merge(roomId, 1L, Long::sum);
      }
      String expectedSecond = drawn ? "duplicate" : "rejected";
      if (viewer.plan().duplicate() && !expectedSecond.equals(viewer.secondAck())) {
        problems.add(viewer.userId() + " duplicate got " + viewer.secondAck() + " instead of " + expectedSecond);
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
      } else if ("rejected".equals(viewer.firstAck())) {
        rejectedTotal++;
      }
    }
    JsonObject jury = new JsonObject();
    Map<String, Long> excludedTotal = new TreeMap<>();
    Map<String, Long> flagsTotal = new TreeMap<>();
    long eligibleTotal = 0;
    long votedTotal = 0;
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
      if (juryOf.containsKey(roomId) && !(verdict.getValue("jury") instanceof JsonObject)) {
        problems.add(roomId + "'s prompt had a jury but its verdict has no jury block");
      }
      if (verdict.getValue("jury") instanceof JsonObject verdictJury) {
        eligibleTotal += verdictJury.getLong("eligible", 0L);
        votedTotal += verdictJury.getLong("voted", 0L);
        JsonObject excluded = verdictJury.getJsonObject("excluded", new JsonObject());
        long expectedNotSelected = notDrawn.getOrDefault(roomId, 0L);
        for (String reason : excluded.fieldNames()) {
          long n = excluded.getLong(reason);
          excludedTotal.merge(reason, n, Long::sum);
          if (!NOT_SELECTED.equals(reason) && n != 0) {
            problems.add(roomId + " excluded " + n + " ballots as " + reason + ": every load viewer passes that rule");
          }
        }
        if (excluded.getLong(NOT_SELECTED, 0L) != expectedNotSelected) {
          problems.add(roomId + " excluded " + excluded.getLong(NOT_SELECTED, 0L) + " as " + NOT_SELECTED + " but "
              + expectedNotSelected + " voters on time were not drawn");
        }
        for (Object f : verdictJury.getJsonArray("flags", new JsonArray())) {
          String type = f instanceof JsonObject flag ? flag.getString("type", "?") : String.valueOf(f);
          flagsTotal.merge(type, 1L, Long::sum);
          if ("shared_network".equals(type)) {
            problems.add(roomId + " was flagged shared_network, though every load viewer has a network of its own");
          }
        }
      }
    }
    if (!juryOf.isEmpty() || !excludedTotal.isEmpty() || eligibleTotal > 0) {
      long onTime = outcomes.stream().filter(v -> !v.plan().silent() && !v.plan().late()).count();
      long notDrawnTotal = notDrawn.values().stream().mapToLong(Long::longValue).sum();
      jury.put("promptsWithJury", juryOf.size())
          .put("rates", new JsonArray(juryOf.values().stream().map(j -> j.getValue("rate")).distinct().toList()))
          .put("drawnShareOfVoters", onTime == 0 ? null : Math.round(1000.0 * (onTime - notDrawnTotal) / onTime) / 1000.0)
          .put("eligible", eligibleTotal)
          .put("voted", votedTotal)
          .put("excluded", new JsonObject(new HashMap<>(excludedTotal)))
          .put("flags", new JsonObject(new HashMap<>(flagsTotal)));
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
        .put("rejectedBallots", rejectedTotal)
        .put("retriedBallots", outcomes.stream().filter(v -> v.retries() > 0).count())
        .put("retries", outcomes.stream().mapToInt(Voter.Outcome::retries).sum())
        .put("acceptedPerSecond", Math.round(acks.size() / votingSeconds))
        .put("tallyFramesPerSocketPerSecond", Math.round(100.0 * tallyFrames / outcomes.size() / promptSeconds) / 100.0)
        .put("tallyFramesPerSocketPeakInOneSecond", tallyPeak)
        .put("closeToVerdict", Percentiles.of(closeToVerdict).toJson())
        .put("verdictToPenaltyRow", Percentiles.of(verdictToPenalty.values().stream().map(Duration::toNanos).toList()).toJson())
        .put("ackBySecond", series)
        .put("jury", jury.isEmpty() ? null : jury)
        .put("problems", problems)
        .put("correct", problems.isEmpty());
  }

  /**
   * Whether the voter is on the prompt's jury, recomputed as ballot.lua draws it: the first 8 hex digits of
   * SHA-1 of "seed:voterId" as a number, below rate × 2^32. No jury block, or a rate of 1: everyone is.
   */
  static boolean drawn(JsonObject jury, String voterId) {
    if (jury == null) {
      return true;
    }
    Object rateValue = jury.getValue("rate");
    double rate = rateValue instanceof Number n ? n.doubleValue()
        : rateValue instanceof String text && !text.isEmpty() ? Double.parseDouble(text) : 1.0;
    if (rate >= 1.0) {
      return true;
    }
    try {
      byte[] sha = MessageDigest.getInstance("SHA-1")
          .digest((jury.getString("seed") + ":" + voterId).getBytes(StandardCharsets.UTF_8));
      long first32 = ((sha[0] & 0xffL) << 24) | ((sha[1] & 0xffL) << 16) | ((sha[2] & 0xffL) << 8) | (sha[3] & 0xffL);
      return first32 < rate * 4294967296.0;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
