package io.livejury.loadgen;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.livejury.detect.Normaliser;
import io.livejury.semantic.SentenceModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Where the time of one embedding goes, and the node's embedding ({@link SentenceModel#embed}, ONNX Runtime called
 * directly) against the model artifact's own embedding class ({@link WrapperEmbedder}) in one process: both embed
 * the same sentences in turns, round after round, the order swapped every round, so whatever else the machine does
 * falls on both alike. Figures are per sentence in the calling thread's CPU time (what a core spends; a busy
 * machine stretches wall time far more than this) and wall time; the ratio is wrapper ÷ node, per round and its
 * median (above 1: the node's call is faster).
 *
 * <p>Sentences: the last field of each line of the TSV files (# comments skipped; by default the held-out
 * evaluation sets the pipeline bench posts), normalised as detection does, each once. Also checked: the two give
 * the same embedding (the lowest cosine over the sentences).
 *
 * <p>Usage: {@code EmbedAB [rounds=8] [resultFile] [tsv files, comma-separated]}
 */
public final class EmbedAB {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Path resultFile = args.length > 1 && !args[1].isEmpty() ? Path.of(args[1]) : null;
    String files = args.length > 2 ? args[2]
        : "src/test/resources/detect-eval/labelled.tsv,src/test/resources/detect-eval/chatter.tsv";
    Normaliser normaliser = Normaliser.standard();
    Set<String> distinct = new LinkedHashSet<>();
    for (String file : files.split(",")) {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String text = normaliser.normalise(line.substring(line.lastIndexOf('\t') + 1));
          if (!text.isBlank()) {
            distinct.add(text);
          }
        }
      }
    }
    List<String> sentences = List.copyOf(distinct);

    SentenceModel node = SentenceModel.load();
    WrapperEmbedder wrapper = WrapperEmbedder.load();
    Map<String, Function<String, float[]>> paths = Map.of("node", node::embed, "wrapper", wrapper::embed);

    double lowestCosine = 1;
    for (String text : sentences) {
      lowestCosine = Math.min(lowestCosine, dot(node.embed(text), wrapper.embed(text)));
    }
    for (String text : sentences) { // warm-up: the JIT and ONNX Runtime's allocator settled for both
      node.embed(text);
      wrapper.embed(text);
    }
    JsonObject split = split(sentences);
    System.out.println("split of one embedding (µs of CPU per sentence): " + split.encode());

    double[] cpuRatios = new double[rounds];
    double[] wallRatios = new double[rounds];
    JsonArray perRound = new JsonArray();
    for (int round = 0; round < rounds; round++) {
      List<String> order = round % 2 == 0 ? List.of("node", "wrapper") : List.of("wrapper", "node");
      Map<String, double[]> spent = new java.util.HashMap<>();
      for (String path : order) {
        spent.put(path, pass(paths.get(path), sentences));
      }
      double[] nodes = spent.get("node");
      double[] wrappers = spent.get("wrapper");
      cpuRatios[round] = wrappers[0] / nodes[0];
      wallRatios[round] = wrappers[1] / nodes[1];
      JsonObject line = new JsonObject().put("round", round).put("first", order.get(0))
          .put("nodeCpuMs", round2(nodes[0] / 1e6)).put("wrapperCpuMs", round2(wrappers[0] / 1e6))
          .put("nodeWallMs", round2(nodes[1] / 1e6)).put("wrapperWallMs", round2(wrappers[1] / 1e6))
          .put("cpuRatio", round2(cpuRatios[round])).put("wallRatio", round2(wallRatios[round]));
      System.out.println(line.encode());
      perRound.add(line);
    }
    node.close();
    wrapper.close();

    JsonObject result = new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores")
        .put("cpu", Machine.cpu()).put("loadAverage", Machine.loadAverage())
        .put("sentences", sentences.size())
        .put("lowestCosine", lowestCosine)
        .put("split", split)
        .put("rounds", perRound)
        .put("medianCpuRatio", round2(median(cpuRatios)))
        .put("medianWallRatio", round2(median(wallRatios)));
    System.out.println(result.encodePrettily());
    if (resultFile != null) {
      Files.createDirectories(resultFile.toAbsolutePath().getParent());
      Files.writeString(resultFile, result.encodePrettily());
    }
  }

  /** One pass over the sentences: CPU and wall nanoseconds per sentence. */
  private static double[] pass(Function<String, float[]> embed, List<String> sentences) {
    long wall = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    for (String text : sentences) {
      embed.apply(text);
    }
    return new double[] {(double) (THREADS.getCurrentThreadCpuTime() - cpu) / sentences.size(),
        (double) (System.nanoTime() - wall) / sentences.size()};
  }

  /**
   * One embedding cut into its steps, on a session and tokenizer of its own made as the node makes them: the
   * tokenizer (one encode), the input tensors, the session's run, reading and normalising [CLS] (the node's
   * steps); what the wrapper adds on top (a first tokenisation, then the sentence decoded from it tokenised again
   * to check it); and the token counts, [CLS] and [SEP] included.
   */
  private static JsonObject split(List<String> sentences) throws Exception {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    byte[] weights;
    try (InputStream in = EmbedAB.class.getClassLoader().getResourceAsStream(SentenceModel.MODEL_RESOURCE)) {
      weights = in.readAllBytes();
    }
    HuggingFaceTokenizer tokenizer = SentenceModel.tokenizer();
    long[] steps = new long[6];
    int[] tokens = new int[sentences.size()];
    try (OrtSession session = environment.createSession(weights, SentenceModel.sessionOptions())) {
      for (int pass = 0; pass < 2; pass++) { // the first pass warms up and is not counted
        Arrays.fill(steps, 0);
        for (int s = 0; s < sentences.size(); s++) {
          String text = sentences.get(s);
          long t0 = THREADS.getCurrentThreadCpuTime();
          List<String> pieces = tokenizer.tokenize(text);
          long t1 = THREADS.getCurrentThreadCpuTime();
          tokenizer.tokenize(tokenizer.buildSentence(pieces.subList(1, pieces.size() - 1)));
          long t2 = THREADS.getCurrentThreadCpuTime();
          Encoding encoding = tokenizer.encode(text);
          long t3 = THREADS.getCurrentThreadCpuTime();
          long[] ids = encoding.getIds();
          tokens[s] = ids.length;
          long[] shape = {1, ids.length};
          try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
              OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()),
                  shape);
              OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()),
                  shape)) {
            Map<String, OnnxTensor> inputs = Map.of("input_ids", inputIds, "attention_mask", mask,
                "token_type_ids", types);
            long t4 = THREADS.getCurrentThreadCpuTime();
            try (OrtSession.Result result = session.run(inputs, Set.of("last_hidden_state"))) {
              long t5 = THREADS.getCurrentThreadCpuTime();
              FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
              float[] cls = new float[SentenceModel.DIMENSIONS];
              hidden.get(cls);
              float sum = 0;
              for (float v : cls) {
                sum += v * v;
              }
              float norm = (float) Math.sqrt(sum);
              for (int d = 0; d < cls.length; d++) {
                cls[d] /= norm;
              }
              long t6 = THREADS.getCurrentThreadCpuTime();
              steps[0] += t3 - t2;
              steps[1] += t4 - t3;
              steps[2] += t5 - t4;
              steps[3] += t6 - t5;
              steps[4] += t1 - t0;
              steps[5] += t2 - t1;
            }
          }
        }
      }
    } finally {
      tokenizer.close();
    }
    int[] sorted = tokens.clone();
    Arrays.sort(sorted);
    int n = sentences.size();
    return new JsonObject()
        .put("tokenizerEncodeUs", round2(steps[0] / 1e3 / n))
        .put("inputTensorsUs", round2(steps[1] / 1e3 / n))
        .put("sessionRunUs", round2(steps[2] / 1e3 / n))
        .put("readClsAndNormaliseUs", round2(steps[3] / 1e3 / n))
        .put("wrapperExtraTokenizeUs", round2(steps[4] / 1e3 / n))
        .put("wrapperExtraDecodeAndTokenizeUs", round2(steps[5] / 1e3 / n))
        .put("tokensP50", sorted[n / 2]).put("tokensP90", sorted[n * 9 / 10]).put("tokensMax", sorted[n - 1]);
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private EmbedAB() {
  }
}
