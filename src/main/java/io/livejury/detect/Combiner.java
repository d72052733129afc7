package io.livejury.detect;

import io.livejury.semantic.SemanticVerdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides what the lexicon's hits and the sentence model's verdict on one normalised segment amount to. First, a
 * <em>governed</em> hit ({@link Hit#guarded()}: a denial, a caution, a referral to a doctor or a denial of having
 * said it governs every matched term in its clause, or what it cures is no illness) is never more than {@code warn}
 * in any case below, so it never opens an audience vote: "有病请去医院治疗" names 治疗 to send viewers to a doctor,
 * whatever the model makes of it. Then, per category:
 * <ol>
 *   <li>the model found the segment closest to an <em>allowed</em> sentence (a disclaimer, a caution, a legal
 *       use of "best"): lexicon hits in categories the model did not flag as well are suppressed — a critical
 *       hit only when it is governed; an ungoverned critical hit stands with its severity, {@code stage} lexicon,
 *       since the model hears negation poorly and a claim next to a disclaimer, or one an allowed example merely
 *       resembles, was silenced outright;</li>
 *   <li>lexicon and model agree on the category — the model's category, or the category its nearest violation
 *       example belongs to and reaches ({@link SemanticVerdict#sounds()}: an allowed or ordinary sentence a
 *       little nearer does not undo what the lexicon heard) — the lexicon rule's severity (a critical hit in a
 *       prompt category may open an audience vote), evidence = matched terms and the nearest example;</li>
 *   <li>the model alone: only when its category clears the stricter bar set for the model without the lexicon
 *       ({@link SemanticVerdict#alone()}: a leave-one-out threshold at a higher precision target and a wider
 *       margin over the nearest allowed or ordinary sentence); then {@code warn}, never a vote; evidence = the
 *       nearest example and its similarity;</li>
 *   <li>the lexicon alone, the model having run and flagged nothing there: at most {@code warn}; evidence = the
 *       matched terms and the model's nearest violation example;</li>
 *   <li>the model was not run because the node's in-flight cap was full: the lexicon alone, at most {@code warn},
 *       marked {@code model = "busy"} — a flood in other rooms must not turn a room into one where a single keyword
 *       opens a vote;</li>
 *   <li>the model was not run because the streamer's own share of it was full ({@link SemanticVerdict#ownShare()}:
 *       their own rooms hold that many clauses in the model): the lexicon alone with its own severities, marked
 *       {@code model = "own_share"} — no acquittal, never weaker than if the model had agreed, so flooding one's
 *       own rooms cannot take a claim's vote away;</li>
 *   <li>the model did not run (disabled, not loaded, failed): the lexicon alone with its own severities,
 *       as before the model existed.</li>
 * </ol>
 * Why: a feasibility run on LiveJury's own sentences found that agreement of the two is far more precise than
 * either alone, and that the allowed sheet is what keeps false positives down; so only agreement (or the
 * lexicon when it is all there is) may put a claim to the audience, and a single stage's opinion reaches the
 * streamer and staff as a warning. The model's mistakes are sentences that merely sound like a category (a caution
 * about blood sugar, a shop's own best seller), where the lexicon usually finds nothing: so when the lexicon
 * does not back it, the model must be surer of itself before it warns. The README's detection section gives the
 * figures, and docs/protocol.md states which (stage, severity) combinations open a vote.
 */
public final class Combiner {

  /** {@link Detection#stage()}: found by the lexicon only. */
  public static final String LEXICON = "lexicon";
  /** {@link Detection#stage()}: found by the sentence model only. */
  public static final String MODEL = "model";
  /** {@link Detection#stage()}: lexicon and model agree. */
  public static final String BOTH = "both";
  /** {@link Detection#model()}: the model was not run on this text because the node's in-flight cap was full. */
  public static final String MODEL_BUSY = "busy";
  /**
   * {@link Detection#model()}: the model was not run on this text because the streamer's own share of it was full;
   * the lexicon's severities stand.
   */
  public static final String MODEL_OWN_SHARE = "own_share";
  /** Rule id of a detection by the model alone: this prefix and the category. */
  public static final String MODEL_RULE_PREFIX = "model.";

  /** The example sentence the model found nearest, and its cosine similarity (−1..1). */
  public record Nearest(String example, double similarity) {
  }

  /**
   * One thing to warn about.
   *
   * @param ruleId   the lexicon rule's id, or {@code model.<category>} for the model alone
   * @param severity info, warn or critical after the policy
   * @param matched  lexicon terms as the lexicon spells them; empty for the model alone
   * @param stage    {@link #LEXICON}, {@link #MODEL} or {@link #BOTH}
   * @param nearest  the model's nearest violation example when the model ran; null when it did not
   * @param model    why the model took no part, when it was refused: {@link #MODEL_BUSY} (the node's cap; the
   *                 severity is capped) or {@link #MODEL_OWN_SHARE} (the streamer's own share; it is not); else null
   */
  public record Detection(String ruleId, String category, String severity, String message, List<String> matched,
      String stage, Nearest nearest, String model) {

    /** A detection the model's state did not change. */
    public Detection(String ruleId, String category, String severity, String message, List<String> matched,
        String stage, Nearest nearest) {
      this(ruleId, category, severity, message, matched, stage, nearest, null);
    }
  }

  /** The detections of one segment, and the lexicon hits an allowed verdict silenced (for the metrics). */
  public record Outcome(List<Detection> detections, List<Hit> suppressed) {
  }

  /**
   * Combines the lexicon's {@code hits} (at most one per category, as {@link Detector#scan} gives them) with
   * the model's {@code verdict} on the same normalised text. {@code rules} is the lexicon in force: a detection
   * by the model alone carries the message of its category's least severe rule (the category's name when the
   * lexicon has no rule of it).
   */
  public static Outcome combine(List<Hit> hits, SemanticVerdict verdict, List<Rule> rules) {
    List<Detection> detections = new ArrayList<>();
    if (verdict != null && verdict.degraded() && verdict.busy()) {
      boolean own = verdict.ownShare();
      hits.forEach(hit -> {
        Rule rule = hit.rule();
        detections.add(new Detection(rule.id(), rule.category(), own ? severity(hit) : capped(rule.severity()),
            rule.message(), hit.matched(), LEXICON, null, own ? MODEL_OWN_SHARE : MODEL_BUSY));
      });
      return new Outcome(List.copyOf(detections), List.of());
    }
    if (verdict == null || verdict.degraded()) {
      hits.forEach(hit -> detections.add(fromLexicon(hit, severity(hit), LEXICON, null)));
      return new Outcome(List.copyOf(detections), List.of());
    }
    List<Hit> suppressed = new ArrayList<>();
    String flagged = verdict.category();
    Nearest nearest = verdict.nearestExample() == null ? null
        : new Nearest(verdict.nearestExample(), verdict.similarity());
    boolean agreed = false;
    for (Hit hit : hits) {
      String category = hit.rule().category();
      if (category.equals(flagged) || (!verdict.allowed() && category.equals(verdict.sounds()))) {
        detections.add(fromLexicon(hit, severity(hit), BOTH, nearest));
        agreed = true;
      } else if (verdict.allowed() && (hit.guarded() || !Rule.CRITICAL.equals(hit.rule().severity()))) {
        // A disclaimer the law requires must not warn its streamer every time it is said: a governed hit the model
        // also hears as legal is silent. Misread cautions are kept out by the phrases that only look like one
        // (negations.tsv, kind "ordinary"), not by warning on every disclaimer.
        suppressed.add(hit);
      } else if (verdict.allowed()) {
        // Allowed, yet nothing in the claim's own clause denies or cautions: the claim stands as the rule says.
        detections.add(fromLexicon(hit, hit.rule().severity(), LEXICON, nearest));
      } else {
        // The model ran: its nearest example rides along as evidence, so staff see what it heard instead.
        detections.add(fromLexicon(hit, capped(hit.rule().severity()), LEXICON, nearest));
      }
    }
    // An allowed verdict means the nearest sentence of all is a legal one: the model's own category, if it named
    // one, is outvoted by it and raises nothing by itself.
    if (flagged != null && !agreed && !verdict.allowed() && verdict.alone()) {
      detections.add(new Detection(MODEL_RULE_PREFIX + flagged, flagged, Rule.WARN, messageOf(flagged, rules),
          List.of(), MODEL, nearest));
    }
    return new Outcome(List.copyOf(detections), List.copyOf(suppressed));
  }

  private static Detection fromLexicon(Hit hit, String severity, String stage, Nearest nearest) {
    Rule rule = hit.rule();
    return new Detection(rule.id(), rule.category(), severity, rule.message(), hit.matched(), stage, nearest);
  }

  /** The rule's severity, at most {@code warn} for a governed hit: a denial or caution never opens a vote. */
  private static String severity(Hit hit) {
    return hit.guarded() ? capped(hit.rule().severity()) : hit.rule().severity();
  }

  private static String capped(String severity) {
    return Rule.CRITICAL.equals(severity) ? Rule.WARN : severity;
  }

  private static String messageOf(String category, List<Rule> rules) {
    return rules.stream().filter(rule -> rule.category().equals(category))
        .min(Comparator.comparingInt(Rule::rank))
        .map(Rule::message)
        .orElse(category);
  }

  private Combiner() {
  }
}
