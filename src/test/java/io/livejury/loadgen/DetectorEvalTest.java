package io.livejury.loadgen;

import io.livejury.detect.Detector;
import io.livejury.detect.Normaliser;
import io.livejury.detect.Rule;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DetectorEvalTest {

  private static final Path LABELLED = Path.of("src/test/resources/detect-eval/labelled.tsv");
  private static final Path CHATTER = Path.of("src/test/resources/detect-eval/chatter.tsv");

  @Test
  void theHeldOutSetCoversEveryCategoryAndEveryVariantKind() throws IOException {
    List<DetectorEval.Item> labelled = DetectorEval.readLabelled(LABELLED);
    List<DetectorEval.Item> violations = labelled.stream().filter(DetectorEval.Item::violation).toList();
    assertThat(violations).hasSizeGreaterThanOrEqualTo(120);
    assertThat(labelled.size() - violations.size()).as("legal near-misses").isGreaterThanOrEqualTo(100);
    assertThat(DetectorEval.readChatter(CHATTER)).hasSizeGreaterThanOrEqualTo(200);

    Map<String, Long> perVariant = violations.stream().collect(Collectors.groupingBy(DetectorEval.Item::variant, Collectors.counting()));
    for (String variant : DetectorEval.VARIANTS) {
      assertThat(perVariant.getOrDefault(variant, 0L)).as("violations written as %s", variant).isGreaterThanOrEqualTo(8);
    }
    for (String category : DetectorEval.CATEGORIES) {
      long kinds = violations.stream().filter(i -> i.category().equals(category)).map(DetectorEval.Item::variant).distinct().count();
      assertThat(kinds).as("variant kinds of %s", category).isEqualTo(DetectorEval.VARIANTS.size());
      assertThat(labelled.stream().filter(i -> !i.violation() && i.category().equals(category)).count())
          .as("legal near-misses of %s", category).isGreaterThanOrEqualTo(20);
    }
    // A sentence in two places would count twice, or under two labels.
    Map<String, Long> texts = labelled.stream().collect(Collectors.groupingBy(DetectorEval.Item::text, Collectors.counting()));
    assertThat(texts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)).isEmpty();
  }

  /** A lexicon of the test's own, so the arithmetic below does not move when the shipped lexicon improves. */
  private static final Detector SCORING_LEXICON = new Detector(List.of(
      new Rule("t.scarcity", "fake_scarcity", Rule.WARN, List.of("最后#件", "最后一件"), List.of(), List.of(), "scarcity"),
      new Rule("t.extreme", "extreme_words", Rule.WARN, List.of("最好"), List.of(), List.of(), "extreme"),
      new Rule("t.price", "price_fraud", Rule.WARN, List.of("原价#"), List.of(), List.of(), "price")),
      Normaliser.standard());

  @Test
  void scoresCountCategoriesNotJustFlags() throws IOException {
    List<DetectorEval.Item> items = List.of(
        item(1, true, "fake_scarcity", "plain", "最后3件了，手慢无"),
        // Flagged, but as an absolute claim: a miss for recall, a wrong flag for precision.
        item(2, true, "fake_scarcity", "paraphrase", "全网最好的，卖完就没了"),
        item(3, true, "price_fraud", "paraphrase", "以前卖得可贵了"),
        item(4, false, "fake_scarcity", "plain", "最后一件事，看好尺码"),
        item(5, false, "extreme_words", "plain", "这款茶的口感很醇厚"),
        new DetectorEval.Item(6, true, false, null, "greeting", "欢迎新来的宝宝", List.of("欢迎新来的宝宝")));
    JsonObject result = DetectorEval.evaluate(new DetectorEval.LexiconJudge(Normaliser.standard()::normalise, false, SCORING_LEXICON), items,
        new double[] {0.85, 0.10, 0.02});
    JsonObject overall = result.getJsonObject("overall");
    assertThat(overall.getLong("caught")).isEqualTo(1);
    assertThat(overall.getDouble("recall")).isEqualTo(0.3333);
    assertThat(overall.getDouble("recallAnyCategory")).isEqualTo(0.6667);
    assertThat(overall.getLong("flags")).isEqualTo(3);
    assertThat(overall.getDouble("precision")).isEqualTo(0.3333);
    assertThat(overall.getDouble("legalFalsePositiveRate")).isEqualTo(0.5);
    assertThat(overall.getDouble("chatterFalsePositiveRate")).isEqualTo(0.0);
    assertThat(overall.getBoolean("targetsMet")).isFalse();
    JsonObject scarcity = result.getJsonObject("perCategory").getJsonObject("fake_scarcity");
    assertThat(scarcity.getLong("flags")).isEqualTo(2);
    assertThat(scarcity.getDouble("precision")).isEqualTo(0.5);
    assertThat(result.getJsonObject("misses").getJsonArray("violationsMissed")).hasSize(2);
    assertThat(DetectorEval.markdown(new JsonObject().put("date", "now").put("command", "test")
        .put("labelled", new JsonObject().put("file", "l").put("violations", 3).put("legal", 2))
        .put("chatter", new JsonObject().put("file", "c").put("lines", 1)).put("lexicon", "shipped")
        .put("notRun", new io.vertx.core.json.JsonArray()).put("judges", new io.vertx.core.json.JsonArray().add(result))))
        .contains("| lexicon | 33.3 % (1/3) |");
  }

  @Test
  void aWindowJoinsNeighboursBeforeNormalising() {
    Function<String, String> dropSpaceBetweenHan = s -> s.replaceAll("(?<=\\p{IsHan}) (?=\\p{IsHan})", "");
    assertThat(DetectorEval.texts(List.of("这款茶能降血", "糖，放心喝"), dropSpaceBetweenHan::apply, true))
        .containsExactly("这款茶能降血", "糖，放心喝", "这款茶能降血糖，放心喝");
    assertThat(DetectorEval.texts(List.of("这款茶能降血", "糖，放心喝"), dropSpaceBetweenHan::apply, false))
        .containsExactly("这款茶能降血", "糖，放心喝");
  }

  private static DetectorEval.Item item(int line, boolean violation, String category, String variant, String text) {
    return new DetectorEval.Item(line, false, violation, category, variant, text, List.of(text));
  }
}
