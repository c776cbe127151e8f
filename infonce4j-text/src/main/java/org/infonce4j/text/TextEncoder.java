package org.infonce4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.infonce4j.djl.DjlEnvironment;

/**
 * Sentence embeddings from a pretrained BERT-family encoder: the model's tokenizer ({@link TextTokenizer}, truncating at
 * {@link #DEFAULT_MAX_TOKENS} tokens unless told otherwise) and its weights in a DJL {@link BertBlock} on PyTorch.
 *
 * <p>{@link #encode(List, int)} embeds texts for retrieval: sorted by length so that each batch pads little, under no gradient,
 * returned in input order as unit-length float32 vectors. {@link #forward(NDManager, TokenBatch, boolean)} is the same encoder on
 * one tokenised batch with gradients kept, for training.
 */
public final class TextEncoder implements AutoCloseable {
  /** The truncation length all-MiniLM-L6-v2's published scores use, special tokens included. */
  public static final int DEFAULT_MAX_TOKENS = 256;

  private final ModelSource source;
  private final NDManager manager;
  private final BertBlock block;
  private final TextTokenizer tokenizer;
  private final String engine;

  private TextEncoder(ModelSource source, NDManager manager, BertBlock block, TextTokenizer tokenizer, String engine) {
    this.source = source;
    this.manager = manager;
    this.block = block;
    this.tokenizer = tokenizer;
    this.engine = engine;
  }

  /**
   * Opens a model with the default truncation ({@value #DEFAULT_MAX_TOKENS} tokens).
   *
   * @param source  where the model is
   * @param threads PyTorch's intra-op threads (at least 1)
   * @return the encoder
   * @throws ModelFormatException when a model file is missing, unreadable or cannot be mapped
   */
  public static TextEncoder open(ModelSource source, int threads) {
    return open(source, threads, DEFAULT_MAX_TOKENS);
  }

  /**
   * Opens a model.
   *
   * @param source    where the model is
   * @param threads   PyTorch's intra-op threads (at least 1)
   * @param maxTokens the most tokens per text, special tokens included (at most the model's positions)
   * @return the encoder
   * @throws ModelFormatException when a model file is missing, unreadable or cannot be mapped
   * @throws IllegalArgumentException when {@code threads} or {@code maxTokens} is out of range
   */
  public static TextEncoder open(ModelSource source, int threads, int maxTokens) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    BertWeights weights = BertWeights.read(source);
    if (maxTokens > weights.config().maxPositions()) {
      throw new IllegalArgumentException(maxTokens + " tokens exceed the " + weights.config().maxPositions() + " positions of " + source.name());
    }
    String engine = DjlEnvironment.start(threads);
    if (JniUtils.getNumThreads() != threads) JniUtils.setNumThreads(threads);
    TextTokenizer tokenizer = TextTokenizer.open(source, maxTokens);
    NDManager manager = NDManager.newBaseManager();
    try {
      return new TextEncoder(source, manager, new BertBlock(weights, manager), tokenizer, engine);
    } catch (RuntimeException e) {
      manager.close();
      tokenizer.close();
      throw e;
    }
  }

  /**
   * Embeds texts: tokenised, sorted by length into batches of {@code batchSize}, encoded without gradients.
   *
   * @param texts     the texts
   * @param batchSize texts per forward pass (at least 1)
   * @return one unit-length vector of {@link #dimension()} floats per text, in input order
   */
  public float[][] encode(List<String> texts, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    long[][] ids = tokenizer.ids(texts);
    Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids[i].length).reversed());
    float[][] out = new float[ids.length][];
    int dim = dimension();
    for (int start = 0; start < order.length; start += batchSize) {
      int n = Math.min(batchSize, order.length - start);
      long[][] rows = new long[n][];
      for (int r = 0; r < n; r++) rows[r] = ids[order[start + r]];
      float[] flat;
      boolean grad = NoGrad.disable();
      try (NDManager m = manager.newSubManager()) {
        flat = forward(m, TokenBatch.of(rows), false).toFloatArray();
      } finally {
        NoGrad.restore(grad);
      }
      for (int r = 0; r < n; r++) out[order[start + r]] = Arrays.copyOfRange(flat, r * dim, (r + 1) * dim);
    }
    return out;
  }

  /**
   * Tokenises texts into one batch padded to the longest (counting truncations as {@link #encode} does).
   *
   * @param texts the texts
   * @return the batch
   */
  public TokenBatch tokenize(List<String> texts) {
    return TokenBatch.of(tokenizer.ids(texts));
  }

  /**
   * The encoder on one batch, keeping gradients when PyTorch records them (inside a DJL {@code GradientCollector}).
   *
   * @param m        the manager of the inputs and results
   * @param batch    the tokenised texts
   * @param training whether this is a training pass
   * @return {@code rows x dimension} unit-length embeddings
   */
  public NDArray forward(NDManager m, TokenBatch batch, boolean training) {
    return block.forward(new ParameterStore(m, false), batch.toNDList(m), training).singletonOrThrow();
  }

  /**
   * How many texts were truncated since the encoder was opened.
   *
   * @return the count
   */
  public long truncated() {
    return tokenizer.truncated();
  }

  /**
   * The embedding width.
   *
   * @return the encoder's hidden size
   */
  public int dimension() {
    return block.config().hidden();
  }

  /**
   * The DJL block (its parameters carry the PyTorch names).
   *
   * @return the block
   */
  public BertBlock block() {
    return block;
  }

  /**
   * The tokenizer.
   *
   * @return the tokenizer
   */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * Where the model came from.
   *
   * @return the source
   */
  public ModelSource source() {
    return source;
  }

  /**
   * The engine line ({@link DjlEnvironment#start(int)}).
   *
   * @return e.g. "PyTorch 2.7.1 (DJL 0.36.0), 2 threads"
   */
  public String engine() {
    return engine;
  }

  /**
   * The manager that owns the parameters.
   *
   * @return the base manager
   */
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
