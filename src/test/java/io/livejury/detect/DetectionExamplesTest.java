package io.livejury.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sentences detection must get right (resource {@code detect-eval/why.tsv}: what the keyword lexicon
 * missed and what it flagged wrongly), each run through the lexicon detector. A row's {@code expect_now} column
 * says what the detector does today when that differs from the row's label, and is what is asserted, so the
 * table documents today's behaviour and this test fails as soon as a sentence's behaviour changes; a row whose
 * behaviour already matches its label says {@code as_labelled} and is held to its label.
 */
class DetectionExamplesTest {

  private static final Set<String> CATEGORIES =
      Set.of("medical_claim", "extreme_words", "price_fraud", "fake_scarcity", "off_platform");

  private final Normaliser normaliser = Normaliser.standard();
  private final Detector detector = new Detector(Lexicon.fromResource(), normaliser);

  /** One row of why.tsv. */
  record Example(int line, String label, String expected, String expectNow, String text) {

    @Override
    public String toString() {
      return text + " (" + (label.equals("legal") ? "legal" : expected) + ", today " + expectNow + ")";
    }
  }

  static List<Example> examples() throws IOException {
    List<Example> examples = new ArrayList<>();
    List<String> lines = resourceLines("/detect-eval/why.tsv");
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertThat(f).as("why.tsv line %d: label, expected, expect_now, text", n + 1).hasSize(4);
      examples.add(new Example(n + 1, f[0], f[1], f[2], f[3]));
    }
    return examples;
  }

  /**
   * Today's detector on one sentence: "none", or category:severity of its one hit (several hits are listed
   * in order, joined by "+", and match no row, so they fail the test visibly).
   */
  private String today(String text) {
    List<Hit> hits = detector.scan(normaliser.normalise(text));
    return hits.isEmpty() ? "none"
        : String.join("+", hits.stream().map(h -> h.rule().category() + ":" + h.rule().severity()).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void behavesAsTheTableSays(Example example) {
    List<Hit> hits = detector.scan(normaliser.normalise(example.text()));
    if (example.expectNow().equals("as_labelled")) {
      if (example.label().equals("legal")) {
        assertThat(hits).as("a legal sentence raises no warning: %s", example.text()).isEmpty();
      } else {
        assertThat(hits).as("flagged in %s: %s", example.expected(), example.text())
            .extracting(h -> h.rule().category()).containsExactly(example.expected());
      }
    } else {
      assertThat(today(example.text())).as("today's lexicon on: %s", example.text()).isEqualTo(example.expectNow());
    }
  }

  @Test
  void theTableIsWellFormedAndEverySentenceIsInTheEvaluationSet() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(21);
    List<String> labelled = resourceLines("/detect-eval/labelled.tsv").stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    for (Example example : examples) {
      assertThat(example.label()).as("line %d", example.line()).isIn("violation", "legal");
      if (example.label().equals("legal")) {
        assertThat(example.expected()).as("line %d", example.line()).isEqualTo("legal");
      } else {
        assertThat(example.expected()).as("line %d", example.line()).isIn(CATEGORIES);
      }
      assertThat(example.expectNow()).as("line %d", example.line())
          .matches("as_labelled|none|(" + String.join("|", CATEGORIES) + "):(info|warn|critical)");
      // The evaluation set carries the same sentence with the same label (and category, for a violation).
      assertThat(labelled).as("labelled.tsv holds: %s", example.text()).anyMatch(l -> {
        String[] f = l.split("\t", -1);
        return f.length == 4 && f[3].equals(example.text()) && f[0].equals(example.label())
            && (example.label().equals("legal") || f[1].equals(example.expected()));
      });
    }
  }

  private static List<String> resourceLines(String name) throws IOException {
    try (InputStream in = DetectionExamplesTest.class.getResourceAsStream(name)) {
      assertThat(in).as("resource %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
