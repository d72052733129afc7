package io.livejury.teach;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Json;
import io.livejury.common.RedisKeys;
import io.livejury.common.Sql;
import io.livejury.detect.Lexicons;
import io.livejury.model.Principal;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.Verdict;
import io.livejury.penalty.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Staff teach the detector (the routes under {@code /api/detector/}, docs/protocol.md): a confirmed false claim becomes
 * an example of its category, the sentence of a wrong warning an allowed example, or staff type a sentence. Each
 * is a row of {@code taught_examples} with who and when; after a teach or an undo this node rebuilds its sheets
 * before answering, and tells every other node on {@link RedisKeys#DETECTOR_TAUGHT} to do the same.
 *
 * <p>The sentence of a verdict or warning is the server's own record (the verdict's claim in Postgres, the
 * warning's record in Redis), never text the client sends with the id: a console cannot put words in a streamer's
 * mouth, nor teach the allowed sheet something no warning said.
 */
public final class TeachService {

  private static final Logger LOG = LoggerFactory.getLogger(TeachService.class);
  private static final int MAX_ID = 128;
  private static final int MAX_LIMIT = 500;

  private final Pool pg;
  private final Redis redis;
  private final TeachStore store;
  private final WarningRecords warnings;
  private final TeachableSheets sheets;
  private final TaughtSync sync;
  private final Lexicons lexicons;

  public TeachService(Pool pg, Redis redis, TeachStore store, WarningRecords warnings, TeachableSheets sheets,
      TaughtSync sync, Lexicons lexicons) {
    this.pg = pg;
    this.redis = redis;
    this.store = store;
    this.warnings = warnings;
    this.sheets = sheets;
    this.sync = sync;
    this.lexicons = lexicons;
  }

  private record Candidate(String text, TaughtExample.Source source) {
  }

  /**
   * {@code POST /api/detector/examples} {@code {sheet, text?, verdictId? | warningId?}}.
   *
   * @return the stored example (201); 400 for an unknown sheet, an empty or over-long sentence or one holding
   *     U+0000, both ids, a verdict taught as allowed or a warning taught as a category; 404 for an unknown verdict or
   *     warning (a warning's record lasts {@code LIVEJURY_WARNING_RECORD_HOURS}); 409 for a verdict that is not a
   *     false claim confirmed by staff, or a sentence the sheet (or another sheet) already holds, also when taught
   *     at the same time ({@link TeachStore#insert} takes turns per sentence)
   */
  public Future<JsonObject> teach(Principal staff, JsonObject body) {
    String sheet = sheet(body.getValue("sheet"), true);
    String verdictId = Fields.optionalText(body, "verdictId", MAX_ID);
    String warningId = Fields.optionalText(body, "warningId", MAX_ID);
    if (verdictId != null && warningId != null) {
      throw ApiException.badRequest("name a verdictId or a warningId, not both");
    }
    Future<Candidate> candidate;
    if (verdictId != null) {
      if (TeachableSheets.ALLOWED.equals(sheet)) {
        throw ApiException.badRequest("a false claim is an example of its violation category, not of " + sheet);
      }
      candidate = fromVerdict(verdictId);
    } else if (warningId != null) {
      if (!TeachableSheets.ALLOWED.equals(sheet)) {
        throw ApiException.badRequest("a wrong warning's sentence joins the " + TeachableSheets.ALLOWED
            + " sheet; teach a sentence of " + sheet + " from a confirmed verdict or as text");
      }
      candidate = fromWarning(warningId);
    } else {
      Object text = body.getValue("text");
      if (!(text instanceof String s) || s.isBlank()) {
        throw ApiException.badRequest("text is required: the sentence to teach (or name a verdictId or warningId)");
      }
      if (!Fields.hasVisible(s)) {
        // Hangul fillers, U+2800 and format characters are not blank to String.isBlank, yet show nothing.
        throw ApiException.badRequest("text must hold at least one visible character: the sentence to teach");
      }
      if (s.indexOf('\u0000') >= 0) {
        // Refused, not stripped as elsewhere: the sheet would hold a sentence other than the one staff sent.
        throw ApiException.badRequest("text must not hold a NUL character (U+0000): the sentence to teach");
      }
      candidate = Future.succeededFuture(new Candidate(s.strip(),
          new TaughtExample.Source(TaughtExample.FROM_STAFF, null, null)));
    }
    return candidate.compose(found -> {
      if (found.text().length() > sheets.maxExampleChars()) {
        return Future.failedFuture(ApiException.badRequest("the sentence is " + found.text().length()
            + " characters long; an example is one spoken sentence of at most " + sheets.maxExampleChars()));
      }
      String normalised = sheets.normalise(found.text());
      if (normalised.isBlank()) {
        return Future.failedFuture(ApiException.badRequest("the sentence has nothing to compare once normalised"));
      }
      // Only characters that show count: a Hangul filler is a letter to Unicode and shows nothing.
      long words = normalised.codePoints().filter(Character::isLetter).filter(Fields::visible).count();
      if (normalised.codePoints().filter(Fields::visible).count() < sheets.minExampleChars()
          || words < sheets.minExampleWordChars()) {
        return Future.failedFuture(ApiException.badRequest("an example needs at least " + sheets.minExampleChars()
            + " characters once normalised, " + sheets.minExampleWordChars() + " of them Chinese characters or"
            + " letters; \"" + normalised + "\" is too short to say anything the model can compare"));
      }
      return store.insert(sheet, found.text(), normalised, found.source(), staff.userId());
    }).compose(inserted -> {
      if (inserted instanceof TeachStore.Duplicate) {
        return Future.failedFuture(ApiException.conflict("the " + sheet + " sheet already has this sentence"));
      }
      if (inserted instanceof TeachStore.Contradicts c) {
        return Future.failedFuture(ApiException.conflict("this sentence is taught as " + String.join(", ", c.sheets())
            + "; undo that first, a sentence cannot be both"));
      }
      TaughtExample example = ((TeachStore.Stored) inserted).example();
      LOG.info("Taught example {} ({}: \"{}\", from {} {}) by {}", example.id(), example.sheet(), example.text(),
          example.source().type(), example.source().id(), example.by());
      return changed().map(v -> Json.toJsonObject(example));
    });
  }

  /**
   * {@code GET /api/detector/examples?sheet=&removed=&limit=}: newest first, {@code {"items": [example…]}}.
   *
   * @return 400 for an unknown sheet (named exactly, as in a teach), {@code removed} other than {@code true} or
   *     {@code false}, or {@code limit} not a whole number from 1 to 500
   */
  public Future<JsonObject> list(String sheetParam, String removedParam, String limitParam) {
    String sheet = sheetParam == null || sheetParam.isEmpty() ? null : sheet(sheetParam, false);
    boolean removed = Fields.flag("removed", removedParam);
    int limit = Fields.limit(limitParam, 100, MAX_LIMIT);
    return store.list(sheet, removed, limit).map(examples -> {
      JsonArray items = new JsonArray();
      examples.forEach(e -> items.add(Json.toJsonObject(e)));
      return new JsonObject().put("items", items);
    });
  }

  /** {@code DELETE /api/detector/examples/{id}}: the example, now with who undid it and when; 404, 409 if undone. */
  public Future<JsonObject> undo(Principal staff, String id) {
    return store.remove(id, staff.userId()).compose(removal -> {
      if (removal.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("taught example " + id));
      }
      TaughtExample example = removal.get().example();
      if (!removal.get().now()) {
        return Future.failedFuture(ApiException.conflict("taught example " + id + " was undone by "
            + example.removedBy() + " at " + example.removedAt()));
      }
      LOG.info("Taught example {} ({}: \"{}\") undone by {}", example.id(), example.sheet(), example.text(),
          example.removedBy());
      return changed().map(v -> Json.toJsonObject(example));
    });
  }

  /**
   * {@code GET /api/detector/report}: this node's sheets in force ({@link SheetsReport}) plus {@code rules}, each
   * lexicon rule id → its category, so a console can name the category of a rule's verdict.
   */
  public Future<JsonObject> report() {
    JsonObject report = Json.toJsonObject(sheets.report());
    Map<String, String> rules = new TreeMap<>();
    lexicons.detector().rules().forEach(rule -> rules.put(rule.id(), rule.category()));
    return Future.succeededFuture(report.put("rules", new JsonObject(new TreeMap<String, Object>(rules))));
  }

  /** This node's sheets first (the answer shows the change), then every other node's. */
  private Future<Void> changed() {
    redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeys.DETECTOR_TAUGHT).arg("changed"))
        .onFailure(err -> LOG.warn("Other nodes not told of a taught example (their re-read will find it): {}",
            err.getMessage()));
    return sync.refresh().otherwise(err -> {
      LOG.warn("Sheets not rebuilt after a teach, the next re-read will: {}", err.getMessage());
      return null;
    });
  }

  private Future<Candidate> fromVerdict(String verdictId) {
    return pg.preparedQuery(Sql.GET_VERDICT.text()).execute(Tuple.of(verdictId)).compose(rows -> {
      if (rows.rowCount() == 0) {
        return Future.failedFuture(ApiException.notFound("verdict " + verdictId));
      }
      Verdict verdict = Rows.verdict(rows.iterator().next());
      PromptKind kind = PromptKinds.find(verdict.kind()).orElse(null);
      String falseClaim = PromptKinds.get("claim").condemned();
      if (kind == null || !falseClaim.equals(verdict.outcome()) || verdict.calibration() != null) {
        return Future.failedFuture(ApiException.conflict("verdict " + verdictId + " is " + verdict.outcome()
            + (verdict.calibration() != null ? " on a calibration prompt" : "")
            + ": only a " + falseClaim + " verdict confirmed by staff teaches the detector"));
      }
      if (!Verdict.REVIEW_CONFIRMED.equals(verdict.reviewStatus())) {
        return Future.failedFuture(ApiException.conflict("verdict " + verdictId + " is " + verdict.reviewStatus()
            + "; confirm it first: only what staff confirmed teaches the detector"));
      }
      Map<String, Object> trigger = verdict.trigger() == null ? Map.of() : verdict.trigger();
      String text = verdict.claim() != null && !verdict.claim().isBlank() ? verdict.claim()
          : trigger.get("text") instanceof String t ? t : null;
      if (text == null || text.isBlank()) {
        return Future.failedFuture(ApiException.conflict("verdict " + verdictId
            + " has no claim in the streamer's words to teach; teach the sentence as text"));
      }
      String rule = trigger.get("ruleId") instanceof String r ? r
          : trigger.get("category") instanceof String c ? c : null;
      return Future.succeededFuture(new Candidate(text.strip(),
          new TaughtExample.Source(TaughtExample.FROM_VERDICT, verdictId, rule)));
    });
  }

  private Future<Candidate> fromWarning(String warningId) {
    return warnings.find(warningId).compose(record -> {
      if (record.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("warning " + warningId
            + " (warnings can be taught for a limited time after they were raised)"));
      }
      JsonObject warning = record.get();
      String rule = warning.getString("ruleId") != null ? warning.getString("ruleId") : warning.getString("category");
      return Future.succeededFuture(new Candidate(warning.getString("text", "").strip(),
          new TaughtExample.Source(TaughtExample.FROM_WARNING, warningId, rule)));
    });
  }

  /**
   * A sheet name staff may teach or list, exactly as the sheets are named: {@code " allowed"} is refused rather
   * than read as {@code allowed}, since a client that pads a name may as well mean another one. 400 naming the
   * sheets otherwise.
   */
  private String sheet(Object value, boolean required) {
    List<String> known = new ArrayList<>(sheets.categories());
    known.add(TeachableSheets.ALLOWED);
    if (value instanceof String s && known.contains(s)) {
      return s;
    }
    throw ApiException.badRequest((value == null && required ? "sheet is required" : "unknown sheet")
        + ": it must be one of " + known);
  }

}
