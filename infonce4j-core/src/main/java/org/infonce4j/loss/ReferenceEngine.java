package org.infonce4j.loss;

import java.util.Arrays;
import org.infonce4j.Matrix;

/**
 * The plain reference: the full {@code N x (M+K)} logit matrix in double precision, one thread,
 * written to be read against the formulas of DESIGN.md rather than to be fast. The tiled engine is
 * tested against it.
 */
final class ReferenceEngine {

  private ReferenceEngine() {}

  static LossResult compute(Problem p, boolean backward) {
    int n = p.n, m = p.m, k = p.k, d = p.d, cols = m + k;
    if ((long) n * cols > Problem.MAX_ELEMENTS) {
      throw new IllegalArgumentException("the reference engine holds the full " + n + " x " + cols
          + " matrix, too large for one Java array; use the tiled engine (InfoNce.create)");
    }
    double tau = p.spec.temperature();
    boolean cosine = p.spec.similarity() == Similarity.COSINE;

    double[] a = unit(p.anchors, cosine); // N x d
    double[] c = new double[cols * d]; // (M+K) x d
    System.arraycopy(unit(p.candidates, cosine), 0, c, 0, m * d);
    if (k > 0) {
      System.arraycopy(unit(p.queue, cosine), 0, c, m * d, k * d);
    }

    double[] s = new double[n * cols]; // similarities: N x (M+K)
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        double dot = 0;
        for (int t = 0; t < d; t++) {
          dot += a[i * d + t] * c[j * d + t];
        }
        s[i * cols + j] = dot;
      }
    }

    // Row direction: l_i = lse over V(i) of z - mean over P(i) of z.
    double[] rowLse = new double[n];
    double[] perAnchor = new double[n];
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
      rowLse[i] = max + Math.log(sum);
      perAnchor[i] = rowLse[i] - pos / p.posCount[i];
    }

    // Column direction (symmetric): for candidate j, soft-max over the anchors.
    double[] colLse = null;
    double[] perCandidate = null;
    if (p.spec.symmetric()) {
      colLse = new double[m];
      perCandidate = new double[m];
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
        colLse[j] = max + Math.log(sum);
        perCandidate[j] = colLse[j] - pos / p.colPosCount[j];
      }
    }

    double wr = p.rowWeight();
    double wc = p.spec.symmetric() ? p.colWeight() : 0;
    double loss = 0;
    for (int i = 0; i < n; i++) {
      loss += wr * perAnchor[i];
    }
    if (perCandidate != null) {
      for (int j = 0; j < m; j++) {
        loss += wc * perCandidate[j];
      }
    }

    double meanRow = mean(perAnchor);
    double ceiling = 0;
    for (int i = 0; i < n; i++) {
      ceiling += Math.log(p.validCount[i]) / n;
    }
    double lossForBound = meanRow;
    if (perCandidate != null) {
      double colCeiling = 0;
      for (int j = 0; j < m; j++) {
        colCeiling += Math.log(p.colValidCount[j]) / m;
      }
      ceiling = (ceiling + colCeiling) / 2;
      lossForBound = (meanRow + mean(perCandidate)) / 2;
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

    if (!backward) {
      Diagnostics diag = new Diagnostics(bound, ceiling, bound >= Diagnostics.SATURATION * ceiling, posSum / posPairs,
          negSum / negPairs, Double.NaN, Double.NaN, Double.NaN, Diagnostics.HARD_FRACTION);
      return new LossResult(loss, perAnchor, perCandidate, null, null, Double.NaN, tau, diag);
    }

    // G = dL/dz: rows w_r (softmax - positive weights), columns likewise.
    double[] g = new double[n * cols]; // N x (M+K)
    double entropySum = 0, maxEntropySum = 0, hardShareSum = 0;
    double[] negZ = new double[cols];
    for (int i = 0; i < n; i++) {
      int negatives = 0;
      for (int j = 0; j < cols; j++) {
        if (!valid(p, i, j)) {
          continue;
        }
        double z = s[i * cols + j] / tau;
        double prob = Math.exp(z - rowLse[i]);
        boolean pos = j < m && p.positive(i, j);
        g[i * cols + j] += wr * (prob - (pos ? 1.0 / p.posCount[i] : 0));
        if (!pos) {
          negZ[negatives++] = z;
        }
      }
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
    if (colLse != null) {
      for (int j = 0; j < m; j++) {
        for (int i = 0; i < n; i++) {
          if (valid(p, i, j)) {
            double z = s[i * cols + j] / tau;
            double prob = Math.exp(z - colLse[j]);
            g[i * cols + j] += wc * (prob - (p.positive(i, j) ? 1.0 / p.colPosCount[j] : 0));
          }
        }
      }
    }

    // dL/dtau = sum G_ij dz_ij/dtau = -sum G_ij z_ij / tau.
    double gradTau = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        if (g[i * cols + j] != 0) {
          gradTau -= g[i * cols + j] * s[i * cols + j] / (tau * tau);
        }
      }
    }

    // dL/da_i = sum_j G_ij c_j / tau; dL/dc_j = sum_i G_ij a_i / tau (queue rows get none).
    double[] ga = new double[n * d]; // N x d, w.r.t. the (unit) anchors
    double[] gc = new double[m * d]; // M x d
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

    Matrix anchorGrad;
    Matrix candidateGrad;
    if (p.shared) {
      for (int t = 0; t < n * d; t++) {
        ga[t] += gc[t];
      }
      anchorGrad = backToInputs(ga, a, p.anchors, cosine);
      candidateGrad = null;
    } else {
      anchorGrad = backToInputs(ga, a, p.anchors, cosine);
      candidateGrad = backToInputs(gc, Arrays.copyOf(c, m * d), p.candidates, cosine);
    }

    boolean on = p.spec.diagnostics();
    Diagnostics diag = new Diagnostics(bound, ceiling, bound >= Diagnostics.SATURATION * ceiling, posSum / posPairs,
        negSum / negPairs, on ? entropySum / n : Double.NaN, maxEntropySum / n,
        on ? hardShareSum / Diagnostics.hardSampleSize(n) : Double.NaN, Diagnostics.HARD_FRACTION);
    return new LossResult(loss, perAnchor, perCandidate, anchorGrad, candidateGrad, gradTau, tau, diag);
  }

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
