package io.livejury.loadgen;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.livejury.semantic.SentenceModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The sentence model called without the model artifact's wrapper: one tokenisation (DJL's Hugging Face tokenizer,
 * as the wrapper sets it up) and one run of a session made with {@link SentenceModel#sessionOptions()}, of which
 * only the [CLS] row is read and divided by its length. The wrapper ({@code OnnxBertBiEncoder}, what
 * {@link SentenceModel#embed} runs) computes the same embedding but tokenises each text three times (the tokens;
 * the sentence decoded from them, tokenised again to check it; then the ids) and copies the whole hidden state
 * into Java arrays. A candidate measured by {@link EmbedAB}, not what the node runs: on this machine it saves
 * about 5 % of an embedding's CPU, the rest being ONNX Runtime's own run. Thread-safe; runs on the caller's thread.
 */
public final class DirectEmbedder implements AutoCloseable {

  /** The export's only output: {@code [1, tokens, 512]} floats. */
  private static final String HIDDEN_STATE = "last_hidden_state";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;

  private DirectEmbedder(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer) {
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
  }

  /** A session and tokenizer of its own, from the model in the jar (about a second). */
  public static DirectEmbedder load() throws OrtException, IOException {
    SentenceModel.keepOffline();
    OrtEnvironment environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    byte[] weights;
    try (InputStream in = resource(SentenceModel.MODEL_RESOURCE)) {
      weights = in.readAllBytes();
    }
    OrtSession session = environment.createSession(weights, SentenceModel.sessionOptions());
    try (InputStream json = resource(SentenceModel.TOKENIZER_RESOURCE)) {
      // The wrapper's settings: no padding; [CLS]/[SEP] added and truncation to 512 are DJL's defaults.
      return new DirectEmbedder(environment, session, HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false")));
    }
  }

  /**
   * {@link SentenceModel#DIMENSIONS} floats of unit length for non-blank {@code text} (its first 510 tokens).
   *
   * @throws IllegalStateException when ONNX Runtime fails the run
   */
  public float[] embed(String text) {
    Encoding encoding = tokenizer.encode(text); // [CLS], the tokens, [SEP]
    long[] ids = encoding.getIds();
    long[] shape = {1, ids.length};
    try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()),
            shape);
        OnnxTensor tokenTypes = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape)) {
      Map<String, OnnxTensor> inputs = new HashMap<>(4);
      inputs.put("input_ids", inputIds);
      inputs.put("attention_mask", attentionMask);
      inputs.put("token_type_ids", tokenTypes);
      try (OrtSession.Result result = session.run(inputs, Set.of(HIDDEN_STATE))) {
        FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float[] cls = new float[SentenceModel.DIMENSIONS]; // row 0 of [1, tokens, 512]
        hidden.get(cls);
        // A float sum in index order, as the wrapper normalises, so the two agree to the last bit.
        float sumOfSquares = 0;
        for (float v : cls) {
          sumOfSquares += v * v;
        }
        float norm = (float) Math.sqrt(sumOfSquares);
        for (int d = 0; d < cls.length; d++) {
          cls[d] = cls[d] / norm;
        }
        return cls;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("The sentence model failed on " + ids.length + " tokens: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws OrtException {
    tokenizer.close();
    session.close();
  }

  private static InputStream resource(String name) {
    InputStream in = DirectEmbedder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the class path");
    }
    return in;
  }
}
