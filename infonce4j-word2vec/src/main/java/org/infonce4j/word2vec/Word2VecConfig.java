package org.infonce4j.word2vec;

import java.util.Locale;

/**
 * Training settings, validated on construction. Defaults are the word2vec tool's and gensim's:
 * skip-gram with negative sampling, dim 100, window 5, 5 negatives, sample 1e-3, min-count 5,
 * 5 epochs, alpha 0.025 (0.05 for CBOW), negatives from unigram^0.75.
 *
 * @param model           skip-gram or CBOW
 * @param objective       {@link Objective#SGNS} (K logistic terms) or {@link Objective#INFONCE}
 *                        (soft-max cross-entropy of the true word among it and K sampled words)
 * @param dim             vector size, at least 1 (default 100)
 * @param window          largest distance between a word and its context, at least 1 (default 5);
 *                        each position draws its window uniformly from 1..window
 * @param negative        sampled words per pair K, at least 1 (default 5)
 * @param sample          frequent-word subsampling threshold; 0 disables (default 1e-3)
 * @param minCount        words seen fewer times are dropped (default 5)
 * @param maxVocab        keep at most this many words, 0 for no limit (default 0)
 * @param epochs          passes over the corpus, at least 1 (default 5)
 * @param alpha           starting learning rate, decaying linearly to {@code alpha * 1e-4}
 * @param threads         hogwild workers, at least 1 (default: processors)
 * @param seed            seed of every random choice; worker w uses {@code seed + w} (default 1)
 * @param nsExponent      negatives are drawn from unigram counts to this power (default 0.75)
 * @param sharedNegatives draw the K negatives once per centre word and use them for every context
 *                        word of its window (fewer draws, rows stay in cache); default false
 * @param maxSentence     longer sentences are cut into pieces of this many words, at least 1
 *                        (default 10000)
 */
public record Word2VecConfig(
    Model model,
    Objective objective,
    int dim,
    int window,
    int negative,
    double sample,
    int minCount,
    int maxVocab,
    int epochs,
    double alpha,
    int threads,
    long seed,
    double nsExponent,
    boolean sharedNegatives,
    int maxSentence) {

  /** Skip-gram predicts the context from a word; CBOW the word from its context's mean. */
  public enum Model {
    /** Skip-gram: each word predicts the words of its window. */
    SKIPGRAM,
    /** Continuous bag of words: the mean of the window's words predicts the word. */
    CBOW;

    /**
     * Parses "skipgram" (or "skip-gram", "sg") / "cbow" (any case).
     *
     * @param s the name
     * @return the model
     * @throws IllegalArgumentException for any other name
     */
    public static Model parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "skipgram", "skip-gram", "sg" -> SKIPGRAM;
        case "cbow" -> CBOW;
        default -> throw new IllegalArgumentException("model must be skipgram or cbow, got '" + s + "'");
      };
    }
  }

  /** What each (input, target) pair is trained with. */
  public enum Objective {
    /** Mikolov's negative sampling: one logistic term for the target, one per sampled word. */
    SGNS,
    /** InfoNCE: pick the true target among it and K sampled words (soft-max cross-entropy). */
    INFONCE;

    /**
     * Parses "sgns" (or "ns") / "infonce" (any case).
     *
     * @param s the name
     * @return the objective
     * @throws IllegalArgumentException for any other name
     */
    public static Objective parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "sgns", "ns" -> SGNS;
        case "infonce" -> INFONCE;
        default -> throw new IllegalArgumentException("objective must be sgns or infonce, got '" + s + "'");
      };
    }
  }

  /**
   * Validates the settings.
   *
   * @param model           skip-gram or CBOW, not null
   * @param objective       SGNS or InfoNCE, not null
   * @param dim             vector size, at least 1
   * @param window          largest context distance, at least 1
   * @param negative        sampled words per pair, at least 1
   * @param sample          subsampling threshold, finite and at least 0
   * @param minCount        fewest occurrences of a kept word, at least 1
   * @param maxVocab        most words kept, 0 for no limit
   * @param epochs          passes over the corpus, at least 1
   * @param alpha           starting learning rate, finite and positive
   * @param threads         hogwild workers, at least 1
   * @param seed            seed of every random choice
   * @param nsExponent      power of the unigram counts for the negatives, finite
   * @param sharedNegatives whether a centre word's negatives serve its whole window
   * @param maxSentence     longest sentence piece, in words, at least 1
   * @throws IllegalArgumentException when a check fails, naming the setting
   */
  public Word2VecConfig {
    if (model == null || objective == null) {
      throw new IllegalArgumentException("model and objective must be given");
    }
    positive("dim", dim);
    positive("window", window);
    positive("negative", negative);
    positive("min-count", minCount);
    positive("epochs", epochs);
    positive("threads", threads);
    positive("max sentence length", maxSentence);
    if (maxVocab < 0) {
      throw new IllegalArgumentException("max vocabulary must be 0 (no limit) or positive, got " + maxVocab);
    }
    if (!(sample >= 0) || Double.isInfinite(sample)) {
      throw new IllegalArgumentException("sample must be a finite number >= 0, got " + sample);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be a finite number > 0, got " + alpha);
    }
    if (!Double.isFinite(nsExponent)) {
      throw new IllegalArgumentException("the negative-sampling exponent must be finite, got " + nsExponent);
    }
  }

  private static void positive(String what, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + v);
    }
  }

  /**
   * The defaults for {@code model}: alpha 0.05 for CBOW, 0.025 for skip-gram; threads the available
   * processors; seed 1.
   *
   * @param model skip-gram or CBOW
   * @return the default settings
   */
  public static Word2VecConfig defaults(Model model) {
    return new Word2VecConfig(model, Objective.SGNS, 100, 5, 5, 1e-3, 5, 0, 5, model == Model.CBOW ? 0.05 : 0.025,
        Runtime.getRuntime().availableProcessors(), 1, 0.75, false, 10_000);
  }

  /**
   * Skip-gram defaults.
   *
   * @return {@code defaults(Model.SKIPGRAM)}
   */
  public static Word2VecConfig defaults() {
    return defaults(Model.SKIPGRAM);
  }

  /**
   * A copy with another {@link #model()}.
   *
   * @param m skip-gram or CBOW (alpha is kept as it is)
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withModel(Model m) {
    return new Word2VecConfig(m, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #objective()}.
   *
   * @param o SGNS or InfoNCE
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withObjective(Objective o) {
    return new Word2VecConfig(model, o, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #dim()}.
   *
   * @param v the vector size, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withDim(int v) {
    return new Word2VecConfig(model, objective, v, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #window()}.
   *
   * @param v the largest context distance, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withWindow(int v) {
    return new Word2VecConfig(model, objective, dim, v, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #negative()}.
   *
   * @param v sampled words per pair, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withNegative(int v) {
    return new Word2VecConfig(model, objective, dim, window, v, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #sample()}.
   *
   * @param v the subsampling threshold, finite and at least 0
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withSample(double v) {
    return new Word2VecConfig(model, objective, dim, window, negative, v, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #minCount()}.
   *
   * @param v the fewest occurrences of a kept word, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withMinCount(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, v, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #maxVocab()}.
   *
   * @param v the most words kept, 0 for no limit
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withMaxVocab(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, v, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #epochs()}.
   *
   * @param v passes over the corpus, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withEpochs(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, v, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #alpha()}.
   *
   * @param v the starting learning rate, finite and positive
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withAlpha(double v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, v, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #threads()}.
   *
   * @param v hogwild workers, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withThreads(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, v, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #seed()}.
   *
   * @param v the seed of every random choice
   * @return the new settings
   */
  public Word2VecConfig withSeed(long v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, v, nsExponent,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #nsExponent()}.
   *
   * @param v the power of the unigram counts, finite
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withNsExponent(double v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, v,
        sharedNegatives, maxSentence);
  }

  /**
   * A copy with another {@link #sharedNegatives()}.
   *
   * @param v whether a centre word's negatives serve its whole window
   * @return the new settings
   */
  public Word2VecConfig withSharedNegatives(boolean v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        v, maxSentence);
  }

  /**
   * A copy with another {@link #maxSentence()}.
   *
   * @param v the longest sentence piece, in words, at least 1
   * @return the new settings
   * @throws IllegalArgumentException when the value is out of range
   */
  public Word2VecConfig withMaxSentence(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, v);
  }
}
