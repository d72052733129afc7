package io.livejury.loadgen;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.livejury.semantic.SentenceModel;

import java.io.IOException;
import java.io.InputStream;

/**
 * The sentence model called through the model artifact's own embedding class ({@code OnnxBertBiEncoder}, pooling
 * by [CLS]) on a session made with {@link SentenceModel#sessionOptions()}: what the node ran before it called ONNX
 * Runtime itself. It computes the same embedding but tokenises each text three times (the tokens; the sentence
 * decoded from them, tokenised again to check it; then the ids). Kept as {@link EmbedAB}'s other side, not what the
 * node runs. Thread-safe; runs on the caller's thread.
 */
public final class WrapperEmbedder implements AutoCloseable {

  private final OrtSession session;
  private final Model model;

  private WrapperEmbedder(OrtSession session, Model model) {
    this.session = session;
    this.model = model;
  }

  /** A session and wrapper of its own, from the model in the jar (about a second). */
  public static WrapperEmbedder load() throws OrtException, IOException {
    SentenceModel.keepOffline();
    OrtEnvironment environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    byte[] weights;
    try (InputStream in = resource(SentenceModel.MODEL_RESOURCE)) {
      weights = in.readAllBytes();
    }
    OrtSession session = environment.createSession(weights, SentenceModel.sessionOptions());
    try (InputStream tokenizer = resource(SentenceModel.TOKENIZER_RESOURCE)) {
      return new WrapperEmbedder(session,
          new Model(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.CLS)));
    }
  }

  /** {@link SentenceModel#DIMENSIONS} floats of unit length for non-blank {@code text}. */
  public float[] embed(String text) {
    return model.embed(text).content().vector();
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }

  private static InputStream resource(String name) {
    InputStream in = WrapperEmbedder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the class path");
    }
    return in;
  }

  /** The library's embedding model around the session, on the caller's thread. */
  private static final class Model extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder encoder;

    Model(OnnxBertBiEncoder encoder) {
      super(Runnable::run);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return SentenceModel.DIMENSIONS;
    }
  }
}
