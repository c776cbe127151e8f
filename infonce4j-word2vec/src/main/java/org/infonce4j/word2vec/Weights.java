package org.infonce4j.word2vec;

import java.util.Arrays;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.Kernels;

/**
 * The two matrices word2vec trains: word (input) vectors and context (output) vectors, each
 * {@code V x dim} stored with rows padded to a multiple of {@link Kernels#PAD} floats (the padding
 * stays zero). Mutable: the trainer updates them in place, hogwild.
 */
public final class Weights {
  private final int vocabSize;
  private final int dim;
  private final int ld;
  private final float[] words; // V x ld
  private final float[] contexts; // V x ld

  private Weights(int vocabSize, int dim, float[] words, float[] contexts) {
    this.vocabSize = vocabSize;
    this.dim = dim;
    this.ld = stride(dim);
    this.words = words;
    this.contexts = contexts;
  }

  /**
   * The padded row stride for {@code dim}.
   *
   * @param dim the vector dimension
   * @return {@code dim} rounded up to a multiple of {@link Kernels#PAD}, in floats
   */
  public static int stride(int dim) {
    return (dim + Kernels.PAD - 1) / Kernels.PAD * Kernels.PAD;
  }

  /**
   * word2vec's initialisation: word vectors uniform in {@code [-0.5, 0.5) / dim} from its random
   * generator seeded with {@code seed}, context vectors zero.
   *
   * @param vocabSize the number of words V
   * @param dim the vector dimension
   * @param seed the generator's seed
   * @return new weights
   * @throws IllegalArgumentException when the two tables cannot fit one Java array each or the heap the JVM may use, naming the sizes
   */
  public static Weights initial(int vocabSize, int dim, long seed) {
    int ld = stride(dim);
    long floats = (long) vocabSize * ld; // per table: V x stride
    long bytes = 2 * 4 * floats;
    if (floats > Integer.MAX_VALUE - 8 || bytes > Runtime.getRuntime().maxMemory()) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "vectors for %,d words of dim %,d need %.1f GB (two %,d x %,d float tables); the JVM may use %.1f GB of heap"
              + " (lower --dim or --max-vocab, or raise -Xmx)",
          vocabSize, dim, bytes / 1e9, vocabSize, dim, Runtime.getRuntime().maxMemory() / 1e9));
    }
    float[] w = new float[(int) floats];
    long r = seed;
    for (int v = 0; v < vocabSize; v++) {
      for (int k = 0; k < dim; k++) {
        r = Trainer.next(r);
        w[v * ld + k] = (((r >>> 16) & 0xFFFF) / 65536f - 0.5f) / dim;
      }
    }
    return new Weights(vocabSize, dim, w, new float[(int) floats]);
  }

  /**
   * Wraps padded arrays (for example received from another process); they are not copied.
   *
   * @param vocabSize the number of words V
   * @param dim the vector dimension
   * @param words the word vectors, {@code V x stride(dim)}
   * @param contexts the context vectors, {@code V x stride(dim)}
   * @return weights backed by the two arrays
   * @throws IllegalArgumentException when an array does not hold {@code V x stride(dim)} floats
   */
  public static Weights of(int vocabSize, int dim, float[] words, float[] contexts) {
    long size = (long) vocabSize * stride(dim);
    if (words.length != size || contexts.length != size) {
      throw new IllegalArgumentException("weights for " + vocabSize + " words of dim " + dim + " need " + size + " floats each, got "
          + words.length + " and " + contexts.length);
    }
    return new Weights(vocabSize, dim, words, contexts);
  }

  /**
   * The number of words.
   *
   * @return V, the number of rows of each matrix
   */
  public int vocabSize() {
    return vocabSize;
  }

  /**
   * The vector dimension, without padding.
   *
   * @return the dimension
   */
  public int dim() {
    return dim;
  }

  /**
   * Row stride of both arrays.
   *
   * @return the stride, in floats
   */
  public int stride() {
    return ld;
  }

  /**
   * The word vectors, padded rows ({@code V x stride}); live, not a copy.
   *
   * @return the word (input) vectors
   */
  public float[] words() {
    return words;
  }

  /**
   * The context vectors, padded rows ({@code V x stride}); live, not a copy.
   *
   * @return the context (output) vectors
   */
  public float[] contexts() {
    return contexts;
  }

  /**
   * A deep copy.
   *
   * @return new weights with copies of both arrays
   */
  public Weights copy() {
    return new Weights(vocabSize, dim, words.clone(), contexts.clone());
  }

  /**
   * The word vectors without padding as a {@code V x dim} matrix (a copy).
   *
   * @return the word vectors
   */
  public Matrix wordMatrix() {
    float[] out = new float[vocabSize * dim]; // V x dim
    for (int v = 0; v < vocabSize; v++) {
      System.arraycopy(words, v * ld, out, v * dim, dim);
    }
    return new Matrix(vocabSize, dim, out);
  }

  /**
   * True when every value is finite.
   *
   * @return false when a word or context value is NaN or infinite
   */
  public boolean finite() {
    for (float x : words) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    for (float x : contexts) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Weights[" + vocabSize + " x " + dim + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Weights w && w.dim == dim && Arrays.equals(w.words, words) && Arrays.equals(w.contexts, contexts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(words) + Arrays.hashCode(contexts);
  }
}
