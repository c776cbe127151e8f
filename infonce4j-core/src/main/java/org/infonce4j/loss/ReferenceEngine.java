package org.infonce4j.loss;

import java.util.Arrays;
import org.infonce4j.Matrix;

/**
 * The plain reference: the full {@code N x (M+K)} logit matrix in double precision, one thread,
 * written to be read against the formulas of DESIGN.md rather than to be fast. The tiled engine is
 * tested against it.
 */
final class ReferenceEngine {

  private ReferenceEngine() {
  }

  static LossResult compute(Problem p, boolean backward) {
    int n = p.n, m = p.m, k = p.k, d = p.d, cols = m + k;
    if ((long) n * cols > Problem.MAX_ELEMENTS) {
      throw new IllegalArgumentException("the reference engine holds the full " + n + " x " + cols
          + " matrix, too large for one Java array; use the tiled engine (InfoNce.create)");
    }
    Forward f = forward(p);
    Diagnostics base = forwardDiagnostics(p, f);
    if (!backward) {
      return new LossResult(f.loss, f.perAnchor, f.perCandidate, null, null, Double.NaN, f.tau, base);
    }

    // G = dL/dz: rows w_r (softmax - positive weights), columns likewise.
    double[] g = new double[n * cols]; // N x (M+K)
    NegativeSums negatives = rowGradients(p, f, g);
    if (f.colLse != null) {
      columnGradients(p, f, g);
    }
    double gradTau = temperatureGradient(p, f, g);

    // dL/da_i = sum_j G_ij c_j / tau; dL/dc_j = sum_i G_ij a_i / tau (queue rows get none).
    double[] ga = new double[n * d]; // N x d, w.r.t. the (unit) anchors
    double[] gc = new double[m * d]; // M x d
    unitGradients(p, f, g, ga, gc);
    Matrix anchorGrad;
    Matrix candidateGrad;
    if (p.shared) {
      for (int t = 0; t < n * d; t++) {
        ga[t] += gc[t];
      }
      anchorGrad = backToInputs(ga, f.a, p.anchors, f.cosine);
      candidateGrad = null;
    } else {
      anchorGrad = backToInputs(ga, f.a, p.anchors, f.cosine);
      candidateGrad = backToInputs(gc, Arrays.copyOf(f.c, m * d), p.candidates, f.cosine);
    }

    boolean on = p.spec.diagnostics();
    Diagnostics diag = new Diagnostics(base.miLowerBound(), base.miCeiling(), base.miSaturated(), base.meanPositiveSimilarity(),
        base.meanNegativeSimilarity(), on ? negatives.entropySum / n : Double.NaN, negatives.maxEntropySum / n,
        on ? negatives.hardShareSum / Diagnostics.hardSampleSize(n) : Double.NaN, Diagnostics.HARD_FRACTION);
    return new LossResult(f.loss, f.perAnchor, f.perCandidate, anchorGrad, candidateGrad, gradTau, f.tau, diag);
  }

  // ------------------------------------------------------------------------------ forward

  /** The forward pass's products. */
  private static final class Forward {
    double tau;
    boolean cosine;
    int cols; // M + K
    double[] a; // N x d: the (unit) anchors
    double[] c; // (M+K) x d: the (unit) candidates, then the queue
    double[] s; // similarities: N x (M+K)
    double[] rowLse; // N: log-sum-exp of the logits over V(i)
    double[] perAnchor; // N
    double[] colLse; // M (symmetric): log-sum-exp of the logits over the valid anchors
    double[] perCandidate; // M (symmetric)
    double loss;
  }

  /** Similarities, log-sum-exps, per-anchor and per-candidate losses and the reduced loss. */
  private static Forward forward(Problem p) {
    int n = p.n, m = p.m, k = p.k, d = p.d, cols = m + k;
    Forward f = new Forward();
    f.tau = p.spec.temperature();
    f.cosine = p.spec.similarity() == Similarity.COSINE;
    f.cols = cols;

    f.a = unit(p.anchors, f.cosine); // N x d
    f.c = new double[cols * d]; // (M+K) x d
    System.arraycopy(unit(p.candidates, f.cosine), 0, f.c, 0, m * d);
    if (k > 0) {
      System.arraycopy(unit(p.queue, f.cosine), 0, f.c, m * d, k * d);
    }

    f.s = new double[n * cols]; // similarities: N x (M+K)
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        double dot = 0;
        for (int t = 0; t < d; t++) {
          dot += f.a[i * d + t] * f.c[j * d + t];
        }
        f.s[i * cols + j] = dot;
      }
    }

    rowLosses(p, f);
    if (p.spec.symmetric()) {
      columnLosses(p, f);
    }

    double wr = p.rowWeight();
    double wc = p.spec.symmetric() ? p.colWeight() : 0;
    double loss = 0;
    for (int i = 0; i < n; i++) {
      loss += wr * f.perAnchor[i];
    }
    if (f.perCandidate != null) {
      for (int j = 0; j < m; j++) {
        loss += wc * f.perCandidate[j];
      }
    }
    f.loss = loss;
    return f;
  }

  /** Row direction: l_i = lse over V(i) of z - mean over P(i) of z. */
  private static void rowLosses(Problem p, Forward f) {
    int n = p.n, m = p.m, cols = f.cols;
    double tau = f.tau;
    double[] s = f.s;
    f.rowLse = new double[n];
    f.perAnchor = new double[n];
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        if (valid(p, i, j)) {
          max = Math.max(max, s[i * cols + j] / tau);
        }
      }
      double sum = 0;
      double pos = 0;
      for (int j = 0; j < cols; j++) {
        if (valid(p, i, j)) {
          sum += Math.exp(s[i * cols + j] / tau - max);
        }
        if (j < m && p.positive(i, j)) {
          pos += s[i * cols + j] / tau;
        }
      }
      f.rowLse[i] = max + Math.log(sum);
      f.perAnchor[i] = f.rowLse[i] - pos / p.posCount[i];
    }
  }

  /** Column direction (symmetric): for candidate j, soft-max over the anchors. */
  private static void columnLosses(Problem p, Forward f) {
    int n = p.n, m = p.m, cols = f.cols;
    double tau = f.tau;
    double[] s = f.s;
    f.colLse = new double[m];
    f.perCandidate = new double[m];
    for (int j = 0; j < m; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (valid(p, i, j)) {
          max = Math.max(max, s[i * cols + j] / tau);
        }
      }
      double sum = 0;
      double pos = 0;
      for (int i = 0; i < n; i++) {
        if (valid(p, i, j)) {
          sum += Math.exp(s[i * cols + j] / tau - max);
        }
        if (p.positive(i, j)) {
          pos += s[i * cols + j] / tau;
        }
      }
      f.colLse[j] = max + Math.log(sum);
      f.perCandidate[j] = f.colLse[j] - pos / p.colPosCount[j];
    }
  }

  // ------------------------------------------------------------------------------ diagnostics

  /** The diagnostics a forward pass gives: the MI bound and the mean similarities; NaN for the rest. */
  private static Diagnostics forwardDiagnostics(Problem p, Forward f) {
    int n = p.n, m = p.m, cols = f.cols;
    double[] s = f.s;
    double meanRow = mean(f.perAnchor);
    double ceiling = 0;
    for (int i = 0; i < n; i++) {
      ceiling += Math.log(p.validCount[i]) / n;
    }
    double lossForBound = meanRow;
    if (f.perCandidate != null) {
      double colCeiling = 0;
      for (int j = 0; j < m; j++) {
        colCeiling += Math.log(p.colValidCount[j]) / m;
      }
      ceiling = (ceiling + colCeiling) / 2;
      lossForBound = (meanRow + mean(f.perCandidate)) / 2;
    }
    double bound = ceiling - lossForBound;

    // Similarities of positives and of valid negatives.
    double posSum = 0, negSum = 0;
    long posPairs = 0, negPairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        if (j < m && p.positive(i, j)) {
          posSum += s[i * cols + j];
          posPairs++;
        } else if (valid(p, i, j)) {
          negSum += s[i * cols + j];
          negPairs++;
        }
      }
    }
    return new Diagnostics(bound, ceiling, bound >= Diagnostics.SATURATION * ceiling, posSum / posPairs,
        negSum / negPairs, Double.NaN, Double.NaN, Double.NaN, Diagnostics.HARD_FRACTION);
  }

  /** Sums over the anchors of the diagnostics of the soft-max restricted to each anchor's negatives. */
  private static final class NegativeSums {
    double entropySum;
    double maxEntropySum;
    double hardShareSum;

    /** Adds anchor {@code i} (of {@code n}), whose negatives' logits are {@code negZ[0 .. negatives)}. */
    void add(double[] negZ, int negatives, int i, int n) {
      // The soft-max restricted to the negatives, q_j = exp(z_j - negLse), taken against the
      // negatives' own log-sum-exp so that it stays exact when the positive dominates.
      double negMax = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < negatives; t++) {
        negMax = Math.max(negMax, negZ[t]);
      }
      double negExp = 0;
      for (int t = 0; t < negatives; t++) {
        negExp += Math.exp(negZ[t] - negMax);
      }
      double negLse = negMax + Math.log(negExp);
      double qz = 0;
      for (int t = 0; t < negatives; t++) {
        qz += Math.exp(negZ[t] - negLse) * negZ[t];
      }
      entropySum += negLse - qz;
      maxEntropySum += Math.log(negatives);
      if (Diagnostics.inHardSample(i, n)) {
        double[] sorted = Arrays.copyOf(negZ, negatives);
        Arrays.sort(sorted);
        int hard = Diagnostics.hardCount(negatives);
        double hardQ = 0;
        for (int t = negatives - hard; t < negatives; t++) {
          hardQ += Math.exp(sorted[t] - negLse);
        }
        hardShareSum += hardQ;
      }
    }
  }

  // ------------------------------------------------------------------------------ gradients

  /**
   * Adds the row direction's part of G = dL/dz to {@code g} (N x (M+K)): w_r (softmax - positive
   * weights); returns the negatives' diagnostics sums, gathered on the way.
   */
  private static NegativeSums rowGradients(Problem p, Forward f, double[] g) {
    int n = p.n, m = p.m, cols = f.cols;
    double tau = f.tau;
    double[] s = f.s;
    double wr = p.rowWeight();
    NegativeSums sums = new NegativeSums();
    double[] negZ = new double[cols];
    for (int i = 0; i < n; i++) {
      int negatives = 0;
      for (int j = 0; j < cols; j++) {
        if (!valid(p, i, j)) {
          continue;
        }
        double z = s[i * cols + j] / tau;
        double prob = Math.exp(z - f.rowLse[i]);
        boolean pos = j < m && p.positive(i, j);
        g[i * cols + j] += wr * (prob - (pos ? 1.0 / p.posCount[i] : 0));
        if (!pos) {
          negZ[negatives++] = z;
        }
      }
      sums.add(negZ, negatives, i, n);
    }
    return sums;
  }

  /** Adds the column direction's part of G (symmetric) to {@code g}: w_c (softmax - positive weights). */
  private static void columnGradients(Problem p, Forward f, double[] g) {
    int n = p.n, m = p.m, cols = f.cols;
    double tau = f.tau;
    double[] s = f.s;
    double wc = p.colWeight();
    for (int j = 0; j < m; j++) {
      for (int i = 0; i < n; i++) {
        if (valid(p, i, j)) {
          double z = s[i * cols + j] / tau;
          double prob = Math.exp(z - f.colLse[j]);
          g[i * cols + j] += wc * (prob - (p.positive(i, j) ? 1.0 / p.colPosCount[j] : 0));
        }
      }
    }
  }

  /** dL/dtau = sum G_ij dz_ij/dtau = -sum G_ij z_ij / tau. */
  private static double temperatureGradient(Problem p, Forward f, double[] g) {
    int n = p.n, cols = f.cols;
    double tau = f.tau;
    double[] s = f.s;
    double gradTau = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        if (g[i * cols + j] != 0) {
          gradTau -= g[i * cols + j] * s[i * cols + j] / (tau * tau);
        }
      }
    }
    return gradTau;
  }

  /** Adds G's products into {@code ga} (N x d) and {@code gc} (M x d), w.r.t. the (unit) rows. */
  private static void unitGradients(Problem p, Forward f, double[] g, double[] ga, double[] gc) {
    int n = p.n, m = p.m, d = p.d, cols = f.cols;
    double tau = f.tau;
    double[] a = f.a, c = f.c;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        double gij = g[i * cols + j] / tau;
        if (gij == 0) {
          continue;
        }
        for (int t = 0; t < d; t++) {
          ga[i * d + t] += gij * c[j * d + t];
          if (j < m) {
            gc[j * d + t] += gij * a[i * d + t];
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private static boolean valid(Problem p, int i, int j) {
    return j >= p.m || p.valid(i, j);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** The rows of {@code x} in double, divided by their norms when {@code cosine}. */
  private static double[] unit(Matrix x, boolean cosine) {
    int rows = x.rows(), d = x.cols();
    double[] out = new double[rows * d]; // rows x d
    for (int r = 0; r < rows; r++) {
      double sq = 0;
      for (int t = 0; t < d; t++) {
        double v = x.data()[r * d + t];
        out[r * d + t] = v;
        sq += v * v;
      }
      if (cosine) {
        double inv = 1 / Math.sqrt(sq);
        for (int t = 0; t < d; t++) {
          out[r * d + t] *= inv;
        }
      }
    }
    return out;
  }

  /**
   * Maps a gradient w.r.t. the (unit, for cosine) rows back to the raw rows:
   * {@code dx = (du - u (u . du)) / |x|} for cosine, the identity for dot.
   */
  private static Matrix backToInputs(double[] gu, double[] u, Matrix x, boolean cosine) {
    int rows = x.rows(), d = x.cols();
    float[] out = new float[rows * d]; // rows x d
    for (int r = 0; r < rows; r++) {
      if (!cosine) {
        for (int t = 0; t < d; t++) {
          out[r * d + t] = (float) gu[r * d + t];
        }
        continue;
      }
      double sq = 0, proj = 0;
      for (int t = 0; t < d; t++) {
        double v = x.data()[r * d + t];
        sq += v * v;
        proj += u[r * d + t] * gu[r * d + t];
      }
      double invNorm = 1 / Math.sqrt(sq);
      for (int t = 0; t < d; t++) {
        out[r * d + t] = (float) ((gu[r * d + t] - u[r * d + t] * proj) * invNorm);
      }
    }
    return new Matrix(rows, d, out);
  }
}
