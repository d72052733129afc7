package io.livejury.loadgen;

import io.livejury.semantic.ExampleSheets;
import io.livejury.semantic.SentenceModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's embedding ({@link SentenceModel#embed}, ONNX Runtime called directly) is the model artifact's own
 * embedding class's ({@link WrapperEmbedder}, the other side of {@code scripts/model-ab}) for every sentence of the
 * shipped sheets, and for a text past the model's 512 positions (both read its first 510 tokens): so the node
 * computes what the artifact defines, and the A/B compares two ways of computing one thing.
 */
class WrapperEmbedderTest {

  private static WrapperEmbedder wrapper;

  @BeforeAll
  static void load() throws Exception {
    wrapper = WrapperEmbedder.load();
  }

  @AfterAll
  static void close() throws Exception {
    wrapper.close();
  }

  @Test
  void everySheetSentenceGetsTheNodesEmbedding() throws Exception {
    SentenceModel model = SentenceModel.shared();
    List<String> texts = ExampleSheets.fromResources().sheets().values().stream().flatMap(List::stream)
        .map(ExampleSheets.Example::text).distinct().toList();
    assertThat(texts).hasSizeGreaterThan(400);
    for (String text : texts) {
      assertThat(cosine(model.embed(text), wrapper.embed(text))).as(text).isGreaterThanOrEqualTo(0.9999);
    }
  }

  @Test
  void aTextPastTheModelsLengthIsReadTheSameWay() {
    String text = "这款茶能治疗糖尿病，喝一个月降血糖。".repeat(60);
    float[] node = SentenceModel.shared().embed(text);
    assertThat(cosine(node, wrapper.embed(text))).isGreaterThanOrEqualTo(0.9999);
    assertThat(cosine(node, SentenceModel.shared().embed(text + "最后一句完全不同的话"))).as("past 510 tokens")
        .isGreaterThanOrEqualTo(0.9999);
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
