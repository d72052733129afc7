package io.livejury.semantic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sheet embeddings the build ships are the ones the node would compute itself: every sentence of the shipped
 * sheets is in the file, made by the model the node loads, equal to embedding it now; a file of another model is
 * not taken.
 */
class SheetEmbeddingsTest {

  @Test
  void theShippedEmbeddingsAreTheModelsOwnForEverySheetSentence() throws Exception {
    SentenceModel model = SentenceModel.shared();
    Map<String, float[]> shipped = SheetEmbeddings.shipped(model.fingerprint());
    List<String> texts = ExampleSheets.fromResources().sheets().values().stream().flatMap(List::stream)
        .map(ExampleSheets.Example::text).distinct().toList();

    assertThat(shipped).as("written by the build (process-classes)").hasSameSizeAs(texts);
    assertThat(shipped.keySet()).containsExactlyInAnyOrderElementsOf(texts);
    for (String text : texts.subList(0, 40)) {
      float[] now = model.embed(text);
      float[] stored = shipped.get(text);
      for (int d = 0; d < now.length; d++) {
        assertThat(stored[d]).as("%s, dimension %d", text, d).isEqualTo(now[d]);
      }
    }
  }

  @Test
  void embeddingsOfAnotherModelAreNotTaken(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("embeddings.bin");
    SheetEmbeddings.write(file, 42L, Map.of("这款茶能治疗糖尿病", new float[SentenceModel.DIMENSIONS]));
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(SheetEmbeddings.read(in, 42L)).containsOnlyKeys("这款茶能治疗糖尿病");
    }
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(SheetEmbeddings.read(in, 43L)).isEmpty();
    }
  }
}
