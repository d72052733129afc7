package io.livejury.detect;

import io.livejury.semantic.SemanticStage;
import io.livejury.semantic.SemanticVerdict;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The detection of one transcript segment, clause by clause: the segment is cut into clauses ({@link Clauses}),
 * each clause is scanned by the lexicon and judged by the sentence model (the clauses of a segment as one piece of
 * model work), and each clause's hits are combined with that clause's own verdict ({@link Combiner}). So an
 * allowed verdict silences only a lexicon hit of its own clause, and a claim in a long segment is judged by its own
 * words. A rule that fires on the whole segment more strongly than on any one clause (the food word in one clause,
 * the cure in the next) is given to the clause where its category was heard. One detection per category is kept:
 * the most severe, on a tie the one the lexicon took part in. Stateless: any thread may use it.
 */
public final class SegmentDetector {

  /** One clause: as posted and as the stages read it. */
  public record Clause(String text, String normalised) {
  }

  /** A detection and the clause it was found in. */
  public record Found(Combiner.Detection detection, Clause clause) {
  }

  /**
   * What one segment amounts to.
   *
   * @param found      at most one detection per category
   * @param suppressed lexicon hits an allowed verdict of their own clause silenced (for the metrics)
   * @param split      the segment was cut into more than one clause
   */
  public record Result(List<Found> found, List<Hit> suppressed, boolean split) {
  }

  private final Clauses clauses;

  public SegmentDetector(Clauses clauses) {
    this.clauses = clauses;
  }

  /** The clauses of {@code text} (as posted), each normalised by {@code normaliser}. */
  public List<Clause> clauses(String text, Normaliser normaliser) {
    return clauses(text, normaliser, null);
  }

  /**
   * The clauses of {@code text}: cut at its marks whatever its length when {@code detector} (may be null) hears a
   * rule in it, so every hit is judged with its own clause; otherwise as {@link #clauses(String, Normaliser)}.
   */
  public List<Clause> clauses(String text, Normaliser normaliser, Detector detector) {
    boolean hit = detector != null && !detector.scan(normaliser.normalise(text)).isEmpty();
    List<Clause> out = new ArrayList<>();
    for (String piece : clauses.split(text, hit)) {
      out.add(new Clause(piece, normaliser.normalise(piece)));
    }
    return out;
  }

  /**
   * Detects in one segment, cut into {@code parts} (from {@link #clauses}); {@code whole} is the whole segment
   * normalised. Lexicon hits of categories in {@code leaveOut} are not counted (the two-segment window says them
   * more strongly). {@code room} is whose share of the model the clauses take. Never fails.
   */
  public Future<Result> detect(Detector detector, SemanticStage stage, String room, List<Clause> parts, String whole,
      Set<String> leaveOut) {
    List<List<Hit>> hits = new ArrayList<>();
    for (Clause clause : parts) {
      hits.add(new ArrayList<>(detector.scan(clause.normalised())));
    }
    if (parts.size() > 1) {
      acrossClauses(detector.scan(whole), hits);
    }
    hits.forEach(list -> list.removeIf(hit -> leaveOut.contains(hit.rule().category())));
    List<String> texts = new ArrayList<>(parts.stream().map(Clause::normalised).toList());
    // A long unpunctuated clause with a hit: its hits are judged by the words around the hit, one more embedding.
    int[] verdictOf = new int[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      verdictOf[i] = i;
      String window = around(parts.get(i).normalised(), hits.get(i));
      if (window != null) {
        verdictOf[i] = texts.size();
        texts.add(window);
      }
    }
    return judge(stage, texts, room).map(verdicts -> {
      Map<String, Found> strongest = new LinkedHashMap<>();
      List<Hit> suppressed = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        Combiner.Outcome outcome = Combiner.combine(hits.get(i), verdicts.get(verdictOf[i]), detector.rules());
        suppressed.addAll(outcome.suppressed());
        for (Combiner.Detection d : outcome.detections()) {
          strongest.merge(d.category(), new Found(d, parts.get(i)),
              (a, b) -> weight(b.detection()) > weight(a.detection()) ? b : a);
        }
      }
      return new Result(List.copyOf(strongest.values()), List.copyOf(suppressed), parts.size() > 1);
    });
  }

  /**
   * {@code hitWindowChars} characters either side of the first matched term in {@code clause} (normalised), when
   * the clause is longer than {@code splitAboveChars} and has hits; null otherwise (the clause is judged whole).
   */
  private String around(String clause, List<Hit> hits) {
    Clauses.Options options = clauses.options();
    if (hits.isEmpty() || clause.codePointCount(0, clause.length()) <= options.splitAboveChars()) {
      return null;
    }
    int at = -1;
    for (Hit hit : hits) {
      for (String term : hit.matched()) {
        int found = clause.indexOf(term.toLowerCase(java.util.Locale.ROOT));
        if (found >= 0 && (at < 0 || found < at)) {
          at = found;
        }
      }
    }
    if (at < 0) {
      return null;
    }
    int from = Math.max(0, at - options.hitWindowChars());
    int to = Math.min(clause.length(), at + options.hitWindowChars());
    return clause.substring(from, to);
  }

  /**
   * A whole-segment hit stronger than every clause's hit of its category replaces the first clause hit of that
   * category (the clause where the claim's term was heard); with none, it goes to the first clause.
   */
  private static void acrossClauses(List<Hit> whole, List<List<Hit>> hits) {
    for (Hit hit : whole) {
      String category = hit.rule().category();
      int at = -1;
      int best = -1;
      for (int i = 0; i < hits.size(); i++) {
        for (Hit own : hits.get(i)) {
          if (own.rule().category().equals(category)) {
            if (at < 0) {
              at = i;
            }
            best = Math.max(best, own.rule().rank());
          }
        }
      }
      if (hit.rule().rank() <= best) {
        continue;
      }
      List<Hit> into = hits.get(Math.max(at, 0));
      into.removeIf(own -> own.rule().category().equals(category));
      into.add(hit);
    }
  }

  /** A detection's weight: severity first, then whether the lexicon took part. */
  static int weight(Combiner.Detection d) {
    int rank = switch (d.severity()) {
      case Rule.CRITICAL -> 2;
      case Rule.WARN -> 1;
      default -> 0;
    };
    return rank * 2 + (Combiner.MODEL.equals(d.stage()) ? 0 : 1);
  }

  /** The model's verdicts, one per text; a stage that fails counts as one that did not run. */
  static Future<List<SemanticVerdict>> judge(SemanticStage stage, List<String> texts, String room) {
    List<SemanticVerdict> notRun = texts.stream().map(t -> SemanticVerdict.notRun()).toList();
    try {
      return stage.judgeAll(texts, room).otherwise(err -> notRun);
    } catch (RuntimeException e) {
      return Future.succeededFuture(notRun);
    }
  }
}
