package org.infonce4j.loss;

import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;

/**
 * A batch and spec after validation, in the one shape both engines compute: anchors (N x d)
 * against {@code M} candidates followed by {@code K} queued negatives, with every anchor's
 * positives and exclusions resolved. Package-private: engines assume this is valid.
 */
final class Problem {
  final Matrix anchors; // N x d
  final Matrix candidates; // M x d; the same object as anchors in the SimCLR layout
  final Matrix queue; // K x d or null
  final int n;
  final int m;
  final int k;
  final int d;
  final int[] posIndex; // N, or null when posMask is set
  final BitMatrix posMask; // N x M, or null
  final BitMatrix excluded; // N x M, or null
  final boolean excludeSelf; // SimCLR: candidate i is never a candidate of anchor i (as `shared`, named for its use)
  final boolean shared; // SimCLR: anchors and candidates are the same views
  final int[] posCount; // N: |P(i)|
  final int[] validCount; // N: |V(i)|, positives + negatives, queue included
  final int[] colPosCount; // M, symmetric only: |{i : j in P(i)}|
  final int[] colValidCount; // M, symmetric only
  final LossSpec spec;

  private Problem(Batch b, LossSpec spec) {
    this.spec = spec;
    this.shared = b.isSimclr();
    this.anchors = b.anchors();
    this.candidates = shared ? anchors : b.candidates();
    this.queue = b.queue();
    this.n = anchors.rows();
    this.d = anchors.cols();
    this.m = candidates.rows();
    this.k = queue == null ? 0 : queue.rows();
    this.excluded = b.excluded();
    this.excludeSelf = shared;

    checkShapes(b);
    checkValuesAndScale();
    checkArraySize();
    posMask = shared ? null : b.positiveMask();
    posIndex = positiveIndex(b);
    posCount = new int[n];
    validCount = new int[n];
    countAnchorCandidates();
    if (spec.symmetric()) {
      colPosCount = new int[m];
      colValidCount = new int[m];
      countCandidateAnchors();
    } else {
      colPosCount = null;
      colValidCount = null;
    }
  }

  /** Validates {@code batch} against {@code spec}; every problem is an IllegalArgumentException naming the row or sizes. */
  static Problem of(Batch batch, LossSpec spec) {
    if (batch == null) {
      throw new IllegalArgumentException("batch is null");
    }
    if (spec == null) {
      throw new IllegalArgumentException("spec is null");
    }
    return new Problem(batch, spec);
  }

  private void checkShapes(Batch b) {
    if (n == 0 || d == 0) {
      throw new IllegalArgumentException("anchors must have at least one row and one column, got " + n + " x " + d);
    }
    if (candidates.cols() != d) {
      throw new IllegalArgumentException("candidates have " + candidates.cols() + " columns but anchors have " + d);
    }
    if (m == 0) {
      throw new IllegalArgumentException("candidates are empty (0 x " + d + ")");
    }
    if (queue != null && queue.cols() != d) {
      throw new IllegalArgumentException("queue has " + queue.cols() + " columns but anchors have " + d);
    }
    if (shared && n % 2 != 0) {
      throw new IllegalArgumentException("the SimCLR layout needs an even number of views (2N), got " + n);
    }
    if (b.positives() != null && b.positives().length != n) {
      throw new IllegalArgumentException("positives has " + b.positives().length + " entries for " + n + " anchors");
    }
    checkMaskShape("positive mask", b.positiveMask());
    checkMaskShape("excluded mask", b.excluded());
    if (spec.symmetric()) {
      if (shared) {
        throw new IllegalArgumentException("the SimCLR layout is already symmetric; do not also ask for the symmetric loss");
      }
      if (queue != null) {
        throw new IllegalArgumentException("the symmetric loss takes no queue (queued negatives are not anchors)");
      }
      if (n != m) {
        throw new IllegalArgumentException("the symmetric loss needs as many anchors as candidates, got " + n + " and " + m);
      }
    }
  }

  /**
   * Checks every value of the inputs ({@link #checkValues}) and that, from their largest norms,
   * every logit, scaled input and gradient stays well inside float32.
   */
  private void checkValuesAndScale() {
    double anchorNorm = checkValues("anchors", anchors, spec.similarity());
    double candidateNorm = shared ? anchorNorm : checkValues("candidates", candidates, spec.similarity());
    if (queue != null) {
      candidateNorm = Math.max(candidateNorm, checkValues("queue", queue, spec.similarity()));
    }
    // |s| <= |a| |c| (Cauchy-Schwarz): keep every logit, scaled input and gradient well inside
    // float32, which the fast engine computes in.
    boolean cosine = spec.similarity() == Similarity.COSINE;
    double tau = spec.temperature();
    double bound = cosine ? 1 / tau
        : Math.max(anchorNorm * candidateNorm, Math.max(anchorNorm, candidateNorm) * Math.max(1, 1 / tau)) / tau;
    if (bound > MAX_LOGIT) {
      throw new IllegalArgumentException("logits or gradients could reach " + (float) bound + " (from the largest |a|, |c| and 1 / tau), "
          + "beyond what float32 holds safely (" + (float) MAX_LOGIT + "): scale the inputs down or raise the temperature");
    }
  }

  /** Checks that the engines' largest array, rows x padded d, fits in one Java array. */
  private void checkArraySize() {
    long rows = Math.max(n, (long) m + k);
    long width = (d + 15L) / 16 * 16 + 16;
    if (rows * width > MAX_ELEMENTS) {
      throw new IllegalArgumentException("a batch of " + n + " anchors and " + ((long) m + k) + " candidates at d = " + d
          + " is too large: the engine holds (rows x padded d) in one Java array, at most " + MAX_ELEMENTS + " values");
    }
  }

  /**
   * Each anchor's one positive candidate: its pair in the SimCLR layout, the explicit positives
   * (checked to be candidates) or else candidate i; null when a positive mask gives the positives.
   */
  private int[] positiveIndex(Batch b) {
    int[] index;
    if (shared) {
      index = new int[n];
      for (int i = 0; i < n; i++) {
        index[i] = (i + n / 2) % n;
      }
    } else if (b.positiveMask() != null) {
      index = null;
    } else if (b.positives() != null) {
      index = b.positives().clone();
      for (int i = 0; i < n; i++) {
        if (index[i] < 0 || index[i] >= m) {
          throw new IllegalArgumentException(
              "positive of anchor " + i + " is candidate " + index[i] + ", outside the " + m + " candidates");
        }
      }
    } else {
      if (m < n) {
        throw new IllegalArgumentException("without explicit positives the positive of anchor i is candidate i, so there must be "
            + "at least as many candidates (" + m + ") as anchors (" + n + ")");
      }
      index = new int[n];
      for (int i = 0; i < n; i++) {
        index[i] = i;
      }
    }
    return index;
  }

  /**
   * Fills {@link #posCount} and {@link #validCount}, checking that every anchor has a positive, that
   * none of its positives is excluded and that it keeps a valid negative.
   */
  private void countAnchorCandidates() {
    for (int i = 0; i < n; i++) {
      int positives = posMask == null ? 1 : posMask.rowCount(i);
      if (positives == 0) {
        throw new IllegalArgumentException("anchor " + i + " has no positive in the positive mask");
      }
      int excludedHere = excluded == null ? 0 : excluded.rowCount(i);
      if (excludeSelf && (excluded == null || !excluded.get(i, i))) {
        excludedHere++;
      }
      checkPositivesNotExcluded(i);
      posCount[i] = positives;
      validCount[i] = m + k - excludedHere;
      if (validCount[i] - positives < 1) {
        throw new IllegalArgumentException("anchor " + i + " is left with no valid negative (" + m + " candidates, " + k
            + " queued, " + positives + " positive, " + excludedHere + " excluded)");
      }
    }
  }

  /**
   * The symmetric direction: fills {@link #colPosCount} and {@link #colValidCount}, checking that
   * every candidate is some anchor's positive and keeps a valid negative anchor.
   */
  private void countCandidateAnchors() {
    int[] colExcluded = new int[m];
    for (int i = 0; i < n; i++) {
      if (posMask == null) {
        colPosCount[posIndex[i]]++;
      } else {
        for (int j = posMask.nextSet(i, 0); j >= 0; j = posMask.nextSet(i, j + 1)) {
          colPosCount[j]++;
        }
      }
      if (excluded != null) {
        for (int j = excluded.nextSet(i, 0); j >= 0; j = excluded.nextSet(i, j + 1)) {
          colExcluded[j]++;
        }
      }
    }
    for (int j = 0; j < m; j++) {
      if (colPosCount[j] == 0) {
        throw new IllegalArgumentException(
            "candidate " + j + " is no anchor's positive, so its loss in the symmetric direction is undefined");
      }
      colValidCount[j] = n - colExcluded[j];
      if (colValidCount[j] - colPosCount[j] < 1) {
        throw new IllegalArgumentException("candidate " + j + " is left with no valid negative anchor in the symmetric direction ("
            + n + " anchors, " + colPosCount[j] + " positive, " + colExcluded[j] + " excluded)");
      }
    }
  }

  private void checkMaskShape(String what, BitMatrix mask) {
    if (mask != null && (mask.rows() != n || mask.cols() != m)) {
      throw new IllegalArgumentException(what + " is " + mask.rows() + " x " + mask.cols() + " but the batch has " + n
          + " anchors and " + m + " candidates");
    }
  }

  private void checkPositivesNotExcluded(int i) {
    if (posMask == null) {
      int p = posIndex[i];
      if ((excluded != null && excluded.get(i, p)) || (excludeSelf && p == i)) {
        throw new IllegalArgumentException("anchor " + i + ": candidate " + p + " is both its positive and excluded");
      }
    } else if (excluded != null) {
      for (int j = posMask.nextSet(i, 0); j >= 0; j = posMask.nextSet(i, j + 1)) {
        if (excluded.get(i, j)) {
          throw new IllegalArgumentException("anchor " + i + ": candidate " + j + " is both a positive and excluded");
        }
      }
    }
  }

  /** Largest logit magnitude the engines accept: float32's range with room for the sums. */
  static final double MAX_LOGIT = 1e30;

  /** Largest Java array the engines allocate (rows x padded width). */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Checks every value is finite (and rows non-zero under cosine); returns the largest row norm. */
  private static double checkValues(String what, Matrix x, Similarity similarity) {
    float[] v = x.data();
    int cols = x.cols();
    double maxSq = 0;
    for (int r = 0; r < x.rows(); r++) {
      double sq = 0;
      for (int c = 0; c < cols; c++) {
        float f = v[r * cols + c];
        if (!Float.isFinite(f)) {
          throw new IllegalArgumentException(what + " row " + r + ", column " + c + " is " + f + "; inputs must be finite");
        }
        sq += (double) f * f;
      }
      if (similarity == Similarity.COSINE && !(sq > 0)) {
        throw new IllegalArgumentException(what + " row " + r + " is a zero vector, which has no direction for cosine similarity");
      }
      maxSq = Math.max(maxSq, sq);
    }
    return Math.sqrt(maxSq);
  }

  /** Is column j (a candidate, j < M) a valid candidate of anchor i? Queue columns always are. */
  boolean valid(int i, int j) {
    return !(excludeSelf && i == j) && (excluded == null || !excluded.get(i, j));
  }

  /** Is candidate j a positive of anchor i? */
  boolean positive(int i, int j) {
    return posMask == null ? posIndex[i] == j : posMask.get(i, j);
  }

  /** Weight of each anchor's loss in the reduced loss. */
  double rowWeight() {
    double w = spec.reduction() == Reduction.MEAN ? 1.0 / n : 1.0;
    return spec.symmetric() ? w / 2 : w;
  }

  /** Weight of each candidate's loss in the reduced loss (symmetric only). */
  double colWeight() {
    double w = spec.reduction() == Reduction.MEAN ? 1.0 / m : 1.0;
    return w / 2;
  }
}
