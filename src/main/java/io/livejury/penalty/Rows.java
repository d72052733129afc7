package io.livejury.penalty;

import io.livejury.model.Appeal;
import io.livejury.model.Penalty;
import io.livejury.model.Review;
import io.livejury.model.Verdict;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Postgres rows → the contract's records. */
public final class Rows {

  public static Verdict verdict(Row row) {
    Map<String, Long> counts = new LinkedHashMap<>();
    JsonObject json = (JsonObject) row.getValue("counts");
    json.forEach(entry -> counts.put(entry.getKey(), ((Number) entry.getValue()).longValue()));
    return new Verdict(row.getString("id"), row.getString("prompt_id"), row.getString("room_id"),
        row.getString("streamer_id"), row.getString("merchant_id"), row.getString("kind"), row.getString("question"),
        row.getString("claim"), row.getString("outcome"), counts, row.getLong("total"), row.getDouble("confidence"),
        time(row.getOffsetDateTime("decided_at")), row.getString("review_status"),
        map(row, "trigger"), map(row, "jury"), map(row, "calibration"), map(row, "stop"));
  }

  private static Map<String, Object> map(Row row, String column) {
    return row.getValue(column) instanceof JsonObject json ? json.getMap() : null;
  }

  public static Penalty penalty(Row row) {
    return new Penalty(row.getString("id"), row.getString("verdict_id"), row.getString("subject"),
        row.getString("level"), row.getInteger("offence"), time(row.getOffsetDateTime("starts_at")),
        time(row.getOffsetDateTime("ends_at")), row.getString("status"), time(row.getOffsetDateTime("created_at")));
  }

  @SuppressWarnings("unchecked")
  public static Review review(Row row) {
    JsonObject before = (JsonObject) row.getValue("before");
    JsonObject after = (JsonObject) row.getValue("after");
    return new Review(row.getString("id"), row.getString("verdict_id"), row.getString("action"),
        row.getString("reason"), row.getString("by_user"), time(row.getOffsetDateTime("at")),
        before == null ? null : before.getMap(), after == null ? null : after.getMap());
  }

  public static Appeal appeal(Row row) {
    return new Appeal(row.getString("id"), row.getString("penalty_id"), row.getString("reason"),
        row.getString("by_user"), row.getString("status"), time(row.getOffsetDateTime("at")));
  }

  public static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  private Rows() {
  }
}
