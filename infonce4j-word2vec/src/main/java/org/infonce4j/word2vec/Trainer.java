package org.infonce4j.word2vec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import org.infonce4j.kernels.Kernels;
import org.infonce4j.kernels.VectorOps;

/**
 * The training loop, the fastText way: per-worker state (buffers, a random stream seeded
 * {@code seed + worker}), lock-free shared weights (hogwild), one atomic progress counter that sets
 * the linearly decaying learning rate, the first worker failure rethrown after the join, and a NaN
 * check at the end. Each worker trains its own contiguous share of the encoded corpus every epoch.
 *
 * <p>Weights are stored with a row stride padded to {@link Kernels#PAD}: the vector operations
 * need no tails, and the padding stays zero (every update adds a multiple of rows whose padding
 * is zero).
 */
final class Trainer {

  private static final int SIGMOID_SIZE = 1000;
  private static final float MAX_EXP = 6;
  /** Words between updates of the shared progress counter (and of the learning rate). */
  private static final int REPORT_EVERY = 10_000;

  private final Word2VecConfig c;
  private final SentenceSource corpus;
  private final VectorOps ops;
  private final NoiseDistribution noise;
  private final int vocabSize;
  private final int dim;
  final int ld; // row stride: dim rounded up to Kernels.PAD
  private float[] syn0; // V x ld: the word vectors
  private float[] syn1; // V x ld: the context (output) vectors; released by takeVectors()
  private final int[] keep; // V: keep a word when a 16-bit uniform is below this (65536: always)
  private final float[] sigmoid = new float[SIGMOID_SIZE + 1];
  private final float[] logSigmoid = new float[SIGMOID_SIZE + 1];
  private final AtomicLong done = new AtomicLong();
  private final DoubleAdder lossSum = new DoubleAdder();
  private final AtomicLong lossCount = new AtomicLong();
  private final int passes; // passes over the corpus
  private final long workBefore; // words trained before this trainer started
  private final long totalWork; // words the whole run trains

  /**
   * @param counts     corpus count of every word (the vocabulary, in id order)
   * @param corpus     the sentences to train on
   * @param weights    the matrices to update in place
   * @param passes     passes over {@code corpus} (the epochs of a local run)
   * @param workBefore words trained before this call (by earlier rounds of a distributed run)
   * @param totalWork  words the whole run will train: the learning rate decays over it
   */
  Trainer(Word2VecConfig config, long[] counts, SentenceSource corpus, Weights weights, VectorOps ops, int passes, long workBefore,
      long totalWork) {
    this.c = config;
    this.corpus = corpus;
    this.ops = ops;
    this.vocabSize = counts.length;
    this.dim = config.dim();
    this.ld = weights.stride();
    if (vocabSize <= config.negative()) {
      throw new IllegalArgumentException("a vocabulary of " + vocabSize + " words is too small for " + config.negative()
          + " negatives per pair; lower --negative or --min-count, or give a larger corpus");
    }
    if (weights.vocabSize() != vocabSize || weights.dim() != dim) {
      throw new IllegalArgumentException("weights of " + weights + " for a vocabulary of " + vocabSize + " words at dim " + dim);
    }
    this.syn0 = weights.words();
    this.syn1 = weights.contexts();
    this.noise = new NoiseDistribution(counts, config.nsExponent());
    this.passes = passes;
    this.workBefore = workBefore;
    this.totalWork = totalWork;
    // Subsampling as the word2vec tool: keep with probability (sqrt(f / t) + 1) t / f, f = count / total.
    long total = 0;
    for (long n : counts) {
      total += n;
    }
    keep = new int[vocabSize];
    double threshold = config.sample() * total;
    for (int w = 0; w < vocabSize; w++) {
      double cn = counts[w];
      double p = config.sample() > 0 ? (Math.sqrt(cn / threshold) + 1) * threshold / cn : 1;
      keep[w] = (int) Math.min(65536, Math.ceil(p * 65536));
    }
    for (int i = 0; i <= SIGMOID_SIZE; i++) {
      double x = (i / (double) SIGMOID_SIZE * 2 - 1) * MAX_EXP;
      sigmoid[i] = (float) (1 / (1 + Math.exp(-x)));
      logSigmoid[i] = (float) -Math.log1p(Math.exp(-x));
    }
  }

  /** word2vec's linear congruential generator (period 2^64; the high bits are the good ones). */
  static long next(long r) {
    return r * 25214903917L + 11;
  }

  /** Words (before subsampling) this trainer has trained so far, over all passes and workers. */
  long wordsDone() {
    return done.get();
  }

  long totalWork() {
    return totalWork;
  }

  private double lossTotal;
  private long lossPairs;

  /** Mean loss per pair over everything drained so far, or NaN. */
  double meanLoss() {
    return lossPairs == 0 ? Double.NaN : lossTotal / lossPairs;
  }

  /** The mean loss per trained pair since the last call, or NaN when none. */
  double drainLoss() {
    long n = lossCount.getAndSet(0);
    double s = lossSum.sumThenReset();
    lossTotal += s;
    lossPairs += n;
    return n == 0 ? Double.NaN : s / n;
  }

  private float alphaAt(long wordsDone) {
    double progress = (workBefore + wordsDone) / (double) (totalWork + 1);
    return (float) (c.alpha() * Math.max(1e-4, 1 - progress));
  }

  /** Runs the workers to the end; rethrows the first failure. */
  void run(Runnable onTick) {
    int threads = c.threads();
    long length = corpus.length();
    List<Thread> workers = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int w = 0; w < threads; w++) {
      long from = corpus.sentenceStartFrom(length * w / threads);
      long to = corpus.sentenceStartFrom(length * (w + 1) / threads);
      Worker worker = new Worker(w, from, to);
      Thread t = new Thread(() -> {
        try {
          worker.run();
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "infonce4j-word2vec-" + w);
      t.setDaemon(true);
      workers.add(t);
    }
    workers.forEach(Thread::start);
    try {
      for (Thread t : workers) {
        while (t.isAlive()) {
          t.join(200);
          onTick.run();
          if (failure.get() != null) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training", e);
    }
    Throwable f = failure.get();
    if (f instanceof RuntimeException re) {
      throw re;
    }
    if (f instanceof Error err) {
      throw err;
    }
    if (f != null) {
      throw new IllegalStateException(f);
    }
    for (float v : syn0) {
      if (!Float.isFinite(v)) {
        throw new IllegalStateException("training diverged: a word vector holds " + v + "; lower --alpha");
      }
    }
  }

  /**
   * The word vectors without padding ({@code V x dim}), after the run. The context vectors are
   * released first and the rows compacted in place, so the peak stays at two V x dim matrices; the
   * trainer cannot run again afterwards.
   */
  float[] takeVectors() {
    syn1 = null;
    float[] w = syn0;
    syn0 = null;
    for (int v = 0; v < vocabSize; v++) {
      System.arraycopy(w, v * ld, w, v * dim, dim); // moves left: never overwrites a row not yet moved
    }
    return Arrays.copyOf(w, vocabSize * dim); // V x dim
  }

  /** One hogwild worker: its corpus share, random stream and buffers. */
  private final class Worker {
    private final long from;
    private final long to;
    private final float[] words = syn0; // the shared weights, read once (the fields are released after the run)
    private final float[] contexts = syn1;
    private long random;
    private final int[] sentence; // maxSentence
    private final int[] kept; // maxSentence: the sentence after subsampling
    private final float[] neu1 = new float[ld]; // CBOW: mean of the context
    private final float[] neu1e = new float[ld]; // gradient for the input vector(s)
    private final int[] targets; // K + 1
    private final float[] logits; // K + 1
    private final float[] grads; // K + 1: learning rate times d(log-likelihood)/d(logit)
    private final float[] quad = new float[4];
    private final int[] shared; // K: negatives shared across a window
    private double loss;
    private long pairs;

    Worker(int id, long from, long to) {
      this.from = from;
      this.to = to;
      this.random = c.seed() + id;
      this.sentence = new int[c.maxSentence()];
      this.kept = new int[c.maxSentence()];
      this.targets = new int[c.negative() + 1];
      this.logits = new float[c.negative() + 1];
      this.grads = new float[c.negative() + 1];
      this.shared = new int[c.negative()];
    }

    private long nextRandom() {
      random = next(random);
      return random;
    }

    /** Uniform in [0, bound) from the high bits. */
    private int nextInt(int bound) {
      return (int) (((nextRandom() >>> 32) * bound) >>> 32);
    }

    void run() {
      long local = 0;
      float alpha = alphaAt(0);
      for (int pass = 0; pass < passes; pass++) {
        long pos = from;
        while (pos < to) {
          int n = corpus.sentence(pos, sentence);
          pos += n + 1;
          int m = 0;
          for (int i = 0; i < n; i++) {
            int w = sentence[i];
            if (keep[w] < 65536 && ((nextRandom() >>> 16) & 0xFFFF) >= keep[w]) {
              continue;
            }
            kept[m++] = w;
          }
          if (c.model() == Word2VecConfig.Model.SKIPGRAM) {
            skipGram(m, alpha);
          } else {
            cbow(m, alpha);
          }
          local += n;
          if (local >= REPORT_EVERY) {
            alpha = alphaAt(done.addAndGet(local));
            local = 0;
            flushLoss();
          }
        }
      }
      done.addAndGet(local);
      flushLoss();
    }

    private void flushLoss() {
      if (pairs > 0) {
        lossSum.add(loss);
        lossCount.addAndGet(pairs);
        loss = 0;
        pairs = 0;
      }
    }

    private void skipGram(int m, float alpha) {
      int window = c.window();
      for (int i = 0; i < m; i++) {
        int w = kept[i];
        int b = nextInt(window); // the window shrinks by b: sizes 1..window equally likely
        if (c.sharedNegatives()) {
          for (int d = 0; d < shared.length; d++) {
            shared[d] = noise.sample(nextRandom());
          }
        }
        for (int j = i - Math.min(window - b, i), end = i + Math.min(window - b, m - 1 - i); j <= end; j++) { // the window, cut at the sentence's ends
          if (j < 0 || j >= m || j == i) {
            continue;
          }
          // As the word2vec tool: the context word's vector is the input, the centre word the target.
          int inOff = kept[j] * ld;
          Arrays.fill(neu1e, 0f);
          pair(words, inOff, w, alpha);
          ops.axpy(1f, neu1e, 0, words, inOff, ld);
        }
      }
    }

    private void cbow(int m, float alpha) {
      int window = c.window();
      for (int i = 0; i < m; i++) {
        int w = kept[i];
        int b = nextInt(window);
        Arrays.fill(neu1, 0f);
        int cw = 0;
        for (int j = i - Math.min(window - b, i), end = i + Math.min(window - b, m - 1 - i); j <= end; j++) { // the window, cut at the sentence's ends
          if (j < 0 || j >= m || j == i) {
            continue;
          }
          ops.axpy(1f, words, kept[j] * ld, neu1, 0, ld);
          cw++;
        }
        if (cw == 0) {
          continue;
        }
        float inv = 1f / cw;
        for (int k = 0; k < ld; k++) {
          neu1[k] *= inv;
        }
        if (c.sharedNegatives()) {
          for (int d = 0; d < shared.length; d++) {
            shared[d] = noise.sample(nextRandom());
          }
        }
        Arrays.fill(neu1e, 0f);
        pair(neu1, 0, w, alpha);
        for (int j = i - Math.min(window - b, i), end = i + Math.min(window - b, m - 1 - i); j <= end; j++) { // the window, cut at the sentence's ends
          if (j < 0 || j >= m || j == i) {
            continue;
          }
          ops.axpy(1f, neu1e, 0, words, kept[j] * ld, ld);
        }
      }
    }

    /**
     * One (input, target) pair against K negatives: updates the target and negative context
     * vectors and accumulates the input's gradient (times the learning rate) in {@code neu1e}.
     */
    private void pair(float[] in, int inOff, int target, float alpha) {
      int k = 0;
      targets[k++] = target;
      for (int d = 0; d < c.negative(); d++) {
        int t = c.sharedNegatives() ? shared[d] : noise.sample(nextRandom());
        if (t != target) {
          targets[k++] = t;
        }
      }
      if (c.objective() == Word2VecConfig.Objective.SGNS) {
        sgns(in, inOff, k, alpha);
      } else {
        infoNce(in, inOff, k, alpha);
      }
      pairs++;
    }

    /** Negative sampling: a logistic term per target, label 1 for targets[0], 0 for the rest. */
    private void sgns(float[] in, int inOff, int count, float alpha) {
      logits(in, inOff, count);
      for (int t = 0; t < count; t++) {
        float f = logits[t];
        float label = t == 0 ? 1f : 0f;
        float signed = t == 0 ? f : -f; // log sigma(f) for the target, log sigma(-f) for a negative
        if (signed < -MAX_EXP) {
          loss -= signed;
        } else if (signed <= MAX_EXP) {
          loss -= logSigmoid[(int) ((signed + MAX_EXP) * (SIGMOID_SIZE / MAX_EXP / 2))];
        }
        if (f > MAX_EXP) {
          grads[t] = (label - 1) * alpha;
        } else if (f < -MAX_EXP) {
          grads[t] = label * alpha;
        } else {
          grads[t] = (label - sigmoid[(int) ((f + MAX_EXP) * (SIGMOID_SIZE / MAX_EXP / 2))]) * alpha;
        }
      }
      update(in, inOff, count);
    }

    /** InfoNCE: soft-max over the targets' logits, cross-entropy of picking targets[0]. */
    private void infoNce(float[] in, int inOff, int count, float alpha) {
      logits(in, inOff, count);
      float max = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < count; t++) {
        max = Math.max(max, logits[t]);
      }
      float z0 = logits[0] - max;
      float sum = 0;
      for (int t = 0; t < count; t++) {
        logits[t] = expNonPositive(logits[t] - max);
        sum += logits[t];
      }
      loss += Math.log(sum) - z0; // -log p(target) = log sum exp(z - max) - (z_0 - max)
      float inv = 1f / sum;
      for (int t = 0; t < count; t++) {
        grads[t] = ((t == 0 ? 1f : 0f) - logits[t] * inv) * alpha;
      }
      update(in, inOff, count);
    }

    /** logits[t] = in . contexts[targets[t]], four rows per pass so that their cache misses overlap. */
    private void logits(float[] in, int inOff, int count) {
      int t = 0;
      for (; t + 4 <= count; t += 4) {
        ops.dot4(in, inOff, contexts, targets[t] * ld, targets[t + 1] * ld, targets[t + 2] * ld, targets[t + 3] * ld, ld, quad);
        logits[t] = quad[0];
        logits[t + 1] = quad[1];
        logits[t + 2] = quad[2];
        logits[t + 3] = quad[3];
      }
      if (t < count) {
        // The last one to three rows, padded by repeating the last (a dot product only reads).
        int last = targets[count - 1] * ld;
        int o1 = t + 1 < count ? targets[t + 1] * ld : last;
        int o2 = t + 2 < count ? targets[t + 2] * ld : last;
        ops.dot4(in, inOff, contexts, targets[t] * ld, o1, o2, last, ld, quad);
        for (int u = 0; t + u < count; u++) {
          logits[t + u] = quad[u];
        }
      }
    }

    /**
     * neu1e += sum_t grads[t] contexts[targets[t]] (rows before the update), then
     * contexts[targets[t]] += grads[t] in; four distinct rows per pass.
     */
    private void update(float[] in, int inOff, int count) {
      int t = 0;
      for (; t + 4 <= count; t += 4) {
        int a = targets[t], b = targets[t + 1], cc = targets[t + 2], d = targets[t + 3];
        if (a != b && a != cc && a != d && b != cc && b != d && cc != d) {
          quad[0] = grads[t];
          quad[1] = grads[t + 1];
          quad[2] = grads[t + 2];
          quad[3] = grads[t + 3];
          ops.update4(in, inOff, contexts, a * ld, b * ld, cc * ld, d * ld, quad, neu1e, ld);
        } else {
          for (int u = t; u < t + 4; u++) {
            ops.axpy(grads[u], contexts, targets[u] * ld, neu1e, 0, ld);
            ops.axpy(grads[u], in, inOff, contexts, targets[u] * ld, ld);
          }
        }
      }
      for (; t < count; t++) {
        ops.axpy(grads[t], contexts, targets[t] * ld, neu1e, 0, ld);
        ops.axpy(grads[t], in, inOff, contexts, targets[t] * ld, ld);
      }
    }
  }

  /** exp(x) for x <= 0 in float, relative error about 2e-7; below -87 it returns 0. */
  static float expNonPositive(float x) {
    if (x < -87f) {
      return 0f;
    }
    float n = Math.round(x * 1.44269504f);
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1f;
    return p * Float.intBitsToFloat(((int) n + 127) << 23);
  }
}
