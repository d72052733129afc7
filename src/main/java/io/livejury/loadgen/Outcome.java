package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** What one fault scenario did and found: the figures of its table row, and each check with its verdict. */
final class Outcome {

  record Check(String name, boolean ok, String detail) {
  }

  final String id;
  final String title;
  /** The honest load and whether it held. */
  String load = "";
  /** The fault applied and what the node did about it. */
  String faults = "";
  /** Ballots acknowledged {@code accepted} and not counted afterwards. */
  long ackedLost;
  /** Why a loss is allowed here, if the scenario states one. */
  String lostNote = "";
  /** Honest sockets the node closed, not counting those on a node the scenario killed. */
  int honestDropped;
  double seconds;
  final List<Check> checks = new ArrayList<>();
  final JsonObject details = new JsonObject();

  Outcome(String id, String title) {
    this.id = id;
    this.title = title;
  }

  void check(String name, boolean ok, String detail) {
    checks.add(new Check(name, ok, detail));
    System.out.printf("  [%s] %s: %s%n", ok ? "ok" : "FAIL", name, detail);
  }

  boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
  }

  String failures() {
    return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail()).reduce((a, b) -> a + "; " + b)
        .orElse("");
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    checks.forEach(c -> list.add(new JsonObject().put("check", c.name()).put("ok", c.ok()).put("detail", c.detail())));
    return new JsonObject().put("id", id).put("scenario", title).put("loadHeld", load).put("faultsSurvived", faults)
        .put("acknowledgedButLost", ackedLost).put("lostNote", lostNote).put("honestClientsDropped", honestDropped)
        .put("passed", passed()).put("seconds", Math.round(seconds * 10) / 10.0).put("checks", list)
        .put("details", details);
  }
}
