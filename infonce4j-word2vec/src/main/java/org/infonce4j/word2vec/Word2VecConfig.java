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
 * @param seed            seed of every random choice; worker w uses {@code seed + w}
 * @param nsExponent      negatives are drawn from unigram counts to this power (default 0.75)
 * @param sharedNegatives draw the K negatives once per centre word and use them for every context
 *                        word of its window (fewer draws, rows stay in cache); default false
 * @param maxSentence     longer sentences are cut into pieces of this many words (default 10000)
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
    SKIPGRAM,
    CBOW;

    /** Parses "skipgram" / "cbow" (any case). */
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

    /** Parses "sgns" / "infonce" (any case). */
    public static Objective parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "sgns", "ns" -> SGNS;
        case "infonce" -> INFONCE;
        default -> throw new IllegalArgumentException("objective must be sgns or infonce, got '" + s + "'");
      };
    }
  }

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

  /** The defaults for {@code model}. */
  public static Word2VecConfig defaults(Model model) {
    return new Word2VecConfig(model, Objective.SGNS, 100, 5, 5, 1e-3, 5, 0, 5, model == Model.CBOW ? 0.05 : 0.025,
        Runtime.getRuntime().availableProcessors(), 1, 0.75, false, 10_000);
  }

  /** Skip-gram defaults. */
  public static Word2VecConfig defaults() {
    return defaults(Model.SKIPGRAM);
  }

  public Word2VecConfig withModel(Model m) {
    return new Word2VecConfig(m, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withObjective(Objective o) {
    return new Word2VecConfig(model, o, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withDim(int v) {
    return new Word2VecConfig(model, objective, v, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withWindow(int v) {
    return new Word2VecConfig(model, objective, dim, v, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withNegative(int v) {
    return new Word2VecConfig(model, objective, dim, window, v, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withSample(double v) {
    return new Word2VecConfig(model, objective, dim, window, negative, v, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withMinCount(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, v, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withMaxVocab(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, v, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withEpochs(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, v, alpha, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withAlpha(double v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, v, threads, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withThreads(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, v, seed, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withSeed(long v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, v, nsExponent,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withNsExponent(double v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, v,
        sharedNegatives, maxSentence);
  }

  public Word2VecConfig withSharedNegatives(boolean v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        v, maxSentence);
  }

  public Word2VecConfig withMaxSentence(int v) {
    return new Word2VecConfig(model, objective, dim, window, negative, sample, minCount, maxVocab, epochs, alpha, threads, seed, nsExponent,
        sharedNegatives, v);
  }
}
