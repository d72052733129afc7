package io.livejury.semantic;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped example sheets' embeddings, computed when the jar is built, so a node does not embed the ~500 sheet
 * sentences again at every start (about 2.5 s of one core's model time, the largest part of what the model adds
 * to start-up). The build runs {@link #main} after compiling ({@code pom.xml}, {@code process-classes}); a
 * node seeds its sheet embeddings from the file only when the file was made by the very model it loaded (the
 * model file's fingerprint, {@link SentenceModel#fingerprint()}), and embeds any sentence not in it (edited or
 * taught ones) as before.
 *
 * <p>Format ({@link DataOutputStream}): the UTF string {@code "livejury-sheet-embeddings-1"}, the model's
 * fingerprint (long), the dimensions (int), the count (int), then per sentence its normalised text (UTF) and its
 * unit-length embedding (floats).
 */
public final class SheetEmbeddings {

  /** Where the build writes the file inside the jar. */
  public static final String RESOURCE = ExampleSheets.RESOURCE_FOLDER + "/embeddings.bin";
  private static final String MAGIC = "livejury-sheet-embeddings-1";

  private SheetEmbeddings() {
  }

  /**
   * The embeddings in the jar when they were made by the model with this fingerprint; empty when the file is
   * missing (a build that skipped it, such as the test class path), of another model, or unreadable.
   */
  public static Map<String, float[]> shipped(long fingerprint) {
    try (InputStream in = SheetEmbeddings.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      return in == null ? Map.of() : read(in, fingerprint);
    } catch (IOException e) {
      return Map.of();
    }
  }

  static Map<String, float[]> read(InputStream source, long fingerprint) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(source));
    if (!MAGIC.equals(in.readUTF()) || in.readLong() != fingerprint || in.readInt() != SentenceModel.DIMENSIONS) {
      return Map.of();
    }
    int count = in.readInt();
    Map<String, float[]> embeddings = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String text = in.readUTF();
      float[] vector = new float[SentenceModel.DIMENSIONS];
      for (int d = 0; d < vector.length; d++) {
        vector[d] = in.readFloat();
      }
      embeddings.put(text, vector);
    }
    return embeddings;
  }

  static void write(Path file, long fingerprint, Map<String, float[]> embeddings) throws IOException {
    Files.createDirectories(file.getParent());
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeUTF(MAGIC);
      out.writeLong(fingerprint);
      out.writeInt(SentenceModel.DIMENSIONS);
      out.writeInt(embeddings.size());
      for (Map.Entry<String, float[]> e : embeddings.entrySet()) {
        out.writeUTF(e.getKey());
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
    }
  }

  /**
   * Build step: embeds every sentence of the sheets in the class path's {@code detect/sheets} and writes them to
   * the file given as the only argument (the build's {@code target/classes/detect/sheets/embeddings.bin}).
   */
  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    ExampleSheets sheets = ExampleSheets.fromResources();
    List<String> texts = sheets.sheets().values().stream().flatMap(List::stream).map(ExampleSheets.Example::text)
        .distinct().sorted().toList();
    Map<String, float[]> embeddings = new LinkedHashMap<>();
    SentenceModel loaded;
    try {
      loaded = SentenceModel.load();
    } catch (IllegalStateException e) {
      // A platform without the model's native library: its nodes detect by the lexicon alone anyway.
      System.out.println("No sheet embeddings written: " + e.getMessage());
      return;
    }
    try (SentenceModel model = loaded) {
      for (String text : texts) {
        embeddings.put(text, model.embed(text));
      }
      write(Path.of(args[0]), model.fingerprint(), embeddings);
    }
    System.out.printf("%d sheet sentences embedded into %s in %d ms%n", embeddings.size(), args[0],
        (System.nanoTime() - started) / 1_000_000);
  }
}
