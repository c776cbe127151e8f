package org.infonce4j.spark;

import java.io.Serializable;
import org.infonce4j.word2vec.Weights;

/**
 * The weights at the start of a round, as they are broadcast: both padded matrices
 * ({@code V x stride} floats each). Tasks train a copy and compare it with this to find what
 * they changed; nobody writes to it while the round runs.
 */
final class WeightsSnapshot implements Serializable {
  private static final long serialVersionUID = 1L;

  final int vocabSize;
  final int dim;
  final float[] words; // V x stride
  final float[] contexts; // V x stride

  WeightsSnapshot(Weights w) {
    this.vocabSize = w.vocabSize();
    this.dim = w.dim();
    this.words = w.words();
    this.contexts = w.contexts();
  }

  /** A private copy to train, in pooled arrays ({@link ArrayPool#release} them after use). */
  Weights copy() {
    return Weights.of(vocabSize, dim, ArrayPool.copyOf(words), ArrayPool.copyOf(contexts));
  }

  int stride() {
    return Weights.stride(dim);
  }
}
