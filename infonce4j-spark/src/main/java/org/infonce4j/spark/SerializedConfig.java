package org.infonce4j.spark;

import java.io.Serializable;
import org.infonce4j.word2vec.Word2VecConfig;

/** A {@link Word2VecConfig} (a record that is not serialisable) as it travels to the executors. */
final class SerializedConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String model;
  private final String objective;
  private final int dim;
  private final int window;
  private final int negative;
  private final double sample;
  private final int minCount;
  private final int maxVocab;
  private final int epochs;
  private final double alpha;
  private final int threads;
  private final long seed;
  private final double nsExponent;
  private final boolean sharedNegatives;
  private final int maxSentence;

  SerializedConfig(Word2VecConfig c) {
    model = c.model().name();
    objective = c.objective().name();
    dim = c.dim();
    window = c.window();
    negative = c.negative();
    sample = c.sample();
    minCount = c.minCount();
    maxVocab = c.maxVocab();
    epochs = c.epochs();
    alpha = c.alpha();
    threads = c.threads();
    seed = c.seed();
    nsExponent = c.nsExponent();
    sharedNegatives = c.sharedNegatives();
    maxSentence = c.maxSentence();
  }

  Word2VecConfig config() {
    return new Word2VecConfig(Word2VecConfig.Model.valueOf(model), Word2VecConfig.Objective.valueOf(objective), dim, window, negative,
        sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent, sharedNegatives, maxSentence);
  }
}
