package io.livejury.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/** The SQL statements of {@code sql/queries.sql}, read once and looked up by name. */
public enum Sql {
  INSERT_VERDICT, LOCK_SUBJECT, COUNT_OFFENCES, INSERT_PENALTY, EXPIRE_PENALTIES,
  LIST_VERDICTS, GET_VERDICT, LOCK_VERDICT, SET_REVIEW_STATUS, PENALTY_OF_VERDICT, UPDATE_PENALTY,
  REVIEWS_OF_VERDICT, INSERT_REVIEW, PENALTIES_OF_SUBJECT, PENALTY_WITH_ROOM, INSERT_APPEAL, APPEAL_OF_PENALTY,
  DECIDE_APPEAL, COUNT_OFFENCES_UNTIL, INSERT_OUTBOX, MARK_OUTBOX_SENT, PURGE_OUTBOX, CLAIM_UNSENT_OUTBOX,
  INSERT_BALLOTS, SCORE_CALIBRATION, SCORE_REVIEW, SET_JURORS_SCORED, GET_JUROR, GET_JURORS, COUNT_ROOM_CONDEMNED,
  INSERT_ROOM_STOP, INSERT_ROOM_STOP_AT, CONFIRM_PENDING_STOPS, DISMISS_STOP, STOPS_OF_STREAMER,
  INSERT_TAUGHT, LOCK_SENTENCE, TAUGHT_ELSEWHERE, TAUGHT_IN_FORCE, LIST_TAUGHT, REMOVE_TAUGHT, GET_TAUGHT;

  private static final Map<Sql, String> TEXT = load();

  public String text() {
    return TEXT.get(this);
  }

  private static Map<Sql, String> load() {
    String file;
    try (InputStream in = Sql.class.getResourceAsStream("/sql/queries.sql")) {
      file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Sql, String> statements = new EnumMap<>(Sql.class);
    for (String section : file.split("-- name: ")) {
      int newline = section.indexOf('\n');
      if (newline < 0 || section.startsWith("--")) {
        continue;
      }
      String statement = section.substring(newline + 1).trim();
      statements.put(valueOf(section.substring(0, newline).trim()),
          statement.endsWith(";") ? statement.substring(0, statement.length() - 1) : statement);
    }
    for (Sql sql : values()) {
      if (!statements.containsKey(sql)) {
        throw new IllegalStateException("sql/queries.sql has no statement named " + sql);
      }
    }
    return statements;
  }
}
