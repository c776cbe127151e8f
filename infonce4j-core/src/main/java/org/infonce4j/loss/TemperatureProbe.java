package org.infonce4j.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.infonce4j.Matrix;

/**
 * What the temperature does to which negatives matter, measured on fixed embeddings.
 *
 * <p>Anchor i is paired with candidate i (its positive); the other N - 1 candidates are its in-batch
 * negatives, compared by cosine similarity. For each temperature tau the soft-max over anchor i's
 * candidates gives every candidate j a weight {@code p_ij}; the InfoNCE gradient with respect to the
 * logit is {@code p_ij} on a negative and {@code p_ii - 1} on the positive, so the positive is pulled
 * exactly as hard as all negatives together push: {@code 1 - p_ii = sum_j!=i p_ij}. The probe reports,
 * averaged over anchors:
 *
 * <ul>
 *   <li>the entropy of the negatives' weights (renormalised among negatives) against its maximum
 *       {@code log(N - 1)}: low tau concentrates the push on a few negatives;</li>
 *   <li>the share of the negatives' weight on the hardest k (most similar) of them; k/(N-1) would
 *       mean tau made no difference;</li>
 *   <li>the positive's gradient weight {@code 1 - p_ii} and the sum of the negatives' weights, each
 *       computed on its own, and the largest difference between them over anchors (rounding only);</li>
 *   <li>the loss and the mutual-information bound {@code log N - L}.</li>
 * </ul>
 * Cost: one N x N x d pass of similarities in double, then N x N per temperature; memory O(N).
 */
public final class TemperatureProbe {

  /**
   * The readout at one temperature.
   *
   * @param temperature           tau
   * @param loss                  mean InfoNCE loss
   * @param miBound               {@code log N - loss}, nats
   * @param negativeEntropy       mean entropy of the negatives' renormalised weights, nats
   * @param maxNegativeEntropy    {@code log(N - 1)}
   * @param hardestShare          mean share of the negatives' weight on the hardest {@code hardest}
   * @param hardest               k
   * @param positiveWeight        mean gradient weight on the positive, {@code 1 - p_ii}
   * @param negativeWeight        mean of the sum of the negatives' weights
   * @param balanceError          largest |positive weight - sum of negatives' weights| over anchors
   */
  public record Row(
      double temperature,
      double loss,
      double miBound,
      double negativeEntropy,
      double maxNegativeEntropy,
      double hardestShare,
      int hardest,
      double positiveWeight,
      double negativeWeight,
      double balanceError) {
  }

  private TemperatureProbe() {
  }

  /**
   * Probes the given embeddings at each temperature.
   *
   * @param anchors      N x d
   * @param positives    N x d; row i is the positive of anchor i and a negative of every other
   * @param temperatures the taus to probe, each positive
   * @param hardest      k, the number of hardest negatives whose share is reported, 1 to N - 1
   * @return one row per temperature, in the order given
   */
  public static List<Row> probe(Matrix anchors, Matrix positives, double[] temperatures, int hardest) {
    int n = anchors.rows();
    int d = anchors.cols();
    if (positives.rows() != n || positives.cols() != d) {
      throw new IllegalArgumentException("positives are " + positives.rows() + " x " + positives.cols() + ", anchors " + n + " x " + d);
    }
    if (n < 2) throw new IllegalArgumentException("need at least 2 pairs, got " + n);
    if (hardest < 1 || hardest > n - 1) throw new IllegalArgumentException("hardest k must be in [1, " + (n - 1) + "], got " + hardest);
    if (temperatures.length == 0) throw new IllegalArgumentException("no temperatures given");
    for (double t : temperatures) {
      if (!(t > 0) || Double.isInfinite(t)) throw new IllegalArgumentException("temperature must be positive and finite, got " + t);
    }
    double[] a = unitRows(anchors, "anchor"); // N x d
    double[] c = unitRows(positives, "positive"); // N x d
    int taus = temperatures.length;
    double[] loss = new double[taus];
    double[] entropy = new double[taus];
    double[] hardShare = new double[taus];
    double[] posWeight = new double[taus];
    double[] negWeight = new double[taus];
    double[] balance = new double[taus];
    double[] sims = new double[n]; // similarities of anchor i to every candidate
    double[] negatives = new double[n - 1]; // anchor i's negatives' similarities, sorted descending
    double[] weights = new double[n - 1]; // exp(s / tau - max) of each negative, at one tau
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) s += a[i * d + k] * c[j * d + k];
        sims[j] = s;
      }
      int m = 0;
      for (int j = 0; j < n; j++) if (j != i) negatives[m++] = sims[j];
      Arrays.sort(negatives);
      reverse(negatives);
      double positive = sims[i];
      for (int t = 0; t < taus; t++) {
        double tau = temperatures[t];
        double max = Math.max(positive, negatives[0]) / tau;
        double zNeg = 0; // sum over negatives of exp(s/tau - max)
        double hard = 0;
        for (int j = 0; j < n - 1; j++) {
          weights[j] = Math.exp(negatives[j] / tau - max);
          zNeg += weights[j];
          if (j < hardest) hard += weights[j];
        }
        double ePos = Math.exp(positive / tau - max);
        double z = zNeg + ePos;
        double h = 0; // entropy of the renormalised negative weights
        double sumNeg = 0; // the negatives' soft-max weights summed one by one (not 1 - p_pos)
        for (int j = 0; j < n - 1; j++) {
          double q = weights[j] / zNeg;
          if (q > 0) h -= q * Math.log(q);
          sumNeg += weights[j] / z;
        }
        double pPos = ePos / z;
        loss[t] += Math.log(z) + max - positive / tau;
        entropy[t] += h;
        hardShare[t] += hard / zNeg;
        posWeight[t] += 1 - pPos;
        negWeight[t] += sumNeg;
        balance[t] = Math.max(balance[t], Math.abs((1 - pPos) - sumNeg));
      }
    }
    List<Row> rows = new ArrayList<>(taus);
    for (int t = 0; t < taus; t++) {
      double l = loss[t] / n;
      rows.add(new Row(temperatures[t], l, Math.log(n) - l, entropy[t] / n, Math.log(n - 1), hardShare[t] / n, hardest,
          posWeight[t] / n, negWeight[t] / n, balance[t]));
    }
    return rows;
  }

  /**
   * Synthetic clustered pairs: {@code clusters} random unit centres in d dimensions; each pair picks a
   * centre, and anchor and positive are that centre plus independent gaussian noise of standard
   * deviation {@code noise} per coordinate. Other pairs of the same cluster are the hard (and false)
   * negatives.
   *
   * @param n        pairs, at least 2
   * @param dim      dimension, at least 1
   * @param clusters number of centres, at least 1
   * @param noise    standard deviation of the noise, at least 0
   * @param seed     seed of the centres and the noise
   * @return {anchors, positives}, each n x dim
   */
  public static Matrix[] clusters(int n, int dim, int clusters, double noise, long seed) {
    if (n < 2 || dim < 1 || clusters < 1 || !(noise >= 0)) {
      throw new IllegalArgumentException("need n >= 2, dim >= 1, clusters >= 1, noise >= 0; got " + n + ", " + dim + ", " + clusters + ", " + noise);
    }
    long cells = Math.max((long) n, clusters) * dim;
    if (cells > Integer.MAX_VALUE - 8 || 2 * 4 * cells > Runtime.getRuntime().maxMemory()) {
      throw new IllegalArgumentException("synthetic pairs of " + n + " x " + dim + " (and " + clusters + " centres) do not fit the heap or one array");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] centres = new double[clusters * dim]; // clusters x dim, unit rows
    for (int c = 0; c < clusters; c++) {
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        double g = random.nextGaussian();
        centres[c * dim + k] = g;
        norm += g * g;
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < dim; k++) centres[c * dim + k] /= norm;
    }
    double scale = noise / Math.sqrt(dim); // noise relative to the unit centre
    float[] anchors = new float[n * dim]; // n x dim
    float[] positives = new float[n * dim]; // n x dim
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(clusters);
      for (int k = 0; k < dim; k++) {
        anchors[i * dim + k] = (float) (centres[c * dim + k] + scale * random.nextGaussian());
        positives[i * dim + k] = (float) (centres[c * dim + k] + scale * random.nextGaussian());
      }
    }
    return new Matrix[] {new Matrix(n, dim, anchors), new Matrix(n, dim, positives)};
  }

  private static double[] unitRows(Matrix m, String what) {
    int d = m.cols();
    double[] out = new double[m.rows() * d];
    for (int i = 0; i < m.rows(); i++) {
      double norm = 0;
      for (int k = 0; k < d; k++) {
        double v = m.data()[i * d + k];
        if (!Double.isFinite(v)) throw new IllegalArgumentException(what + " row " + i + ", column " + k + " is " + v);
        norm += v * v;
      }
      if (norm == 0) throw new IllegalArgumentException(what + " row " + i + " is a zero vector (cosine similarity undefined)");
      norm = Math.sqrt(norm);
      for (int k = 0; k < d; k++) out[i * d + k] = m.data()[i * d + k] / norm;
    }
    return out;
  }

  private static void reverse(double[] v) {
    for (int i = 0, j = v.length - 1; i < j; i++, j--) {
      double t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
  }

}
