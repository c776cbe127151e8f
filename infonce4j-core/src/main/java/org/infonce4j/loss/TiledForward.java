package org.infonce4j.loss;

import static org.infonce4j.loss.TiledEngine.COL_TILE;
import static org.infonce4j.loss.TiledEngine.MAX_ROW_BLOCK;
import static org.infonce4j.loss.TiledWorkspace.collectPositives;
import static org.infonce4j.loss.TiledWorkspace.positiveCapacity;

import java.util.ArrayList;
import java.util.List;
import org.infonce4j.kernels.Kernels;

/**
 * The tiled engine's forward pass and its products. Each row block walks the logit tiles keeping
 * per row a running maximum and sum (an online log-sum-exp), apart for the negatives and the
 * positives, and per column the same when the loss is symmetric; every thread keeps its own column
 * statistics, merged after the pass.
 */
final class TiledForward {
  double[] rowLse; // N: log-sum-exp over the valid candidates
  double[] negLse; // N: log-sum-exp over the valid negatives only
  double[] posZ; // N: sum of the positives' logits
  double[] validZ; // N: sum of the valid negatives' logits (forward-only calls)
  double[] colLse; // M (symmetric)
  float[] colLseF; // M (symmetric), float for the kernels
  double[] colPosZ; // M (symmetric)

  /**
   * Runs the forward pass over row blocks of {@code rb} rows; with {@code validSums} it also sums
   * the valid negatives' logits (forward-only calls).
   */
  static TiledForward run(TiledEngine engine, Problem p, TiledWorkspace x, int rb, boolean validSums) {
    TiledForward f = new TiledForward();
    f.rowLse = new double[p.n];
    f.negLse = new double[p.n];
    f.posZ = new double[p.n];
    f.validZ = validSums ? new double[p.n] : null;
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < engine.threads(); t++) {
      workers.add(new Worker(p, engine.kernels()));
    }
    engine.runBlocks(p.n, rb, (worker, r0, rows) -> workers.get(worker).block(p, x, f, r0, rows, validSums));
    if (p.spec.symmetric()) {
      mergeColumns(p, f, workers);
    }
    return f;
  }

  private static void mergeColumns(Problem p, TiledForward f, List<Worker> workers) {
    f.colLse = new double[p.m];
    f.colLseF = new float[p.m];
    f.colPosZ = new double[p.m];
    for (int j = 0; j < p.m; j++) {
      float max = Float.NEGATIVE_INFINITY;
      for (Worker w : workers) {
        max = Math.max(max, w.colMax[j]);
      }
      double sum = 0, pos = 0;
      for (Worker w : workers) {
        if (w.colMax[j] != Float.NEGATIVE_INFINITY) {
          sum += w.colSum[j] * Math.exp((double) w.colMax[j] - max);
        }
        pos += w.colPosZ[j];
      }
      f.colLse[j] = max + Math.log(sum);
      f.colLseF[j] = (float) f.colLse[j];
      f.colPosZ[j] = pos;
    }
  }

  /** Per-thread buffers of the forward pass. */
  private static final class Worker {
    final Kernels kernels;
    final float[] z = new float[MAX_ROW_BLOCK * COL_TILE]; // tile: rowBlock x COL_TILE
    final float[] tileMax = new float[COL_TILE];
    final float[] shift = new float[COL_TILE];
    final float[] tileSum = new float[COL_TILE];
    final float[] colMax; // M (symmetric)
    final double[] colSum; // M (symmetric)
    final double[] colPosZ; // M (symmetric)
    final int[] posR; // positives of the current tile: row in block,
    final int[] posJ; // candidate,
    final float[] posV; // and logit

    Worker(Problem p, Kernels kernels) {
      this.kernels = kernels;
      boolean sym = p.spec.symmetric();
      posR = new int[positiveCapacity(p)];
      posJ = new int[positiveCapacity(p)];
      posV = new float[positiveCapacity(p)];
      colMax = sym ? filled(p.m, Float.NEGATIVE_INFINITY) : null;
      colSum = sym ? new double[p.m] : null;
      colPosZ = sym ? new double[p.m] : null;
    }

    void block(Problem p, TiledWorkspace x, TiledForward f, int r0, int rows, boolean validSums) {
      // Online log-sum-exp per row, kept apart for the negatives (vector passes) and the positives
      // (scalar), so that the negatives' own log-sum-exp stays exact when a positive dominates.
      float[] negMax = filled(rows, Float.NEGATIVE_INFINITY);
      double[] negSum = new double[rows];
      double[] posMax = new double[rows];
      java.util.Arrays.fill(posMax, Double.NEGATIVE_INFINITY);
      double[] posSum = new double[rows];
      for (int j0 = 0; j0 < x.cols; j0 += COL_TILE) {
        int w = Math.min(COL_TILE, x.cols - j0);
        x.logitTile(kernels, p, r0, rows, j0, w, z);
        int positives = collectPositives(p, r0, rows, j0, w, posR, posJ);
        for (int t = 0; t < positives; t++) {
          int r = posR[t];
          int at = r * COL_TILE + posJ[t] - j0;
          float zp = z[at];
          posV[t] = zp;
          z[at] = Float.NEGATIVE_INFINITY; // lifted out: the vector passes see negatives only
          f.posZ[r0 + r] += zp;
          if (colPosZ != null) {
            colPosZ[posJ[t]] += zp;
          }
          if (zp > posMax[r]) {
            posSum[r] = posSum[r] * Math.exp(posMax[r] - zp) + 1;
            posMax[r] = zp;
          } else {
            posSum[r] += Math.exp(zp - posMax[r]);
          }
        }
        for (int r = 0; r < rows; r++) {
          int off = r * COL_TILE;
          if (validSums) {
            f.validZ[r0 + r] += kernels.sumFinite(z, off, w);
          }
          float tmax = kernels.max(z, off, w);
          if (tmax == Float.NEGATIVE_INFINITY) {
            continue; // no valid negative of this row in this tile
          }
          float old = negMax[r];
          float now = Math.max(old, tmax);
          double scaled = old == Float.NEGATIVE_INFINITY ? 0 : negSum[r] * Math.exp((double) old - now);
          negSum[r] = scaled + kernels.sumExp(z, off, w, now);
          negMax[r] = now;
        }
        if (colMax != null) {
          columnUpdate(rows, j0, w, positives);
        }
      }
      for (int r = 0; r < rows; r++) {
        double neg = negMax[r] + Math.log(negSum[r]); // every row has a valid negative
        double pos = posMax[r] + Math.log(posSum[r]); // and a positive
        double hi = Math.max(neg, pos);
        f.negLse[r0 + r] = neg;
        f.rowLse[r0 + r] = hi + Math.log(Math.exp(neg - hi) + Math.exp(pos - hi));
      }
    }

    /**
     * Online log-sum-exp down the columns of this tile, over this block's rows: the vector passes
     * cover the negatives, the tile's lifted positives (posR, posJ, posV) are added in scalar code.
     */
    private void columnUpdate(int rows, int j0, int w, int positives) {
      java.util.Arrays.fill(tileMax, 0, w, Float.NEGATIVE_INFINITY);
      kernels.columnMax(z, rows, w, tileMax);
      for (int t = 0; t < positives; t++) {
        int j = posJ[t] - j0;
        tileMax[j] = Math.max(tileMax[j], posV[t]);
      }
      for (int j = 0; j < w; j++) {
        float old = colMax[j0 + j];
        float now = Math.max(old, tileMax[j]);
        if (now != Float.NEGATIVE_INFINITY && old != Float.NEGATIVE_INFINITY && now != old) {
          colSum[j0 + j] *= Math.exp((double) old - now);
        }
        colMax[j0 + j] = now;
        shift[j] = now == Float.NEGATIVE_INFINITY ? 0f : now; // an all-excluded column adds exp(-inf) = 0
      }
      java.util.Arrays.fill(tileSum, 0, w, 0f);
      kernels.columnSumExp(z, rows, w, shift, tileSum);
      for (int j = 0; j < w; j++) {
        colSum[j0 + j] += tileSum[j];
      }
      for (int t = 0; t < positives; t++) {
        int j = posJ[t] - j0;
        colSum[j0 + j] += Math.exp((double) posV[t] - shift[j]);
      }
    }
  }

  // ------------------------------------------------------------------------------ results

  /** The loss, per-anchor (and per-candidate) losses and forward diagnostics of {@code f}; no gradients. */
  static LossResult result(Problem p, TiledForward f) {
    double tau = p.spec.temperature();
    double[] perAnchor = new double[p.n];
    double loss = 0, meanRow = 0, ceiling = 0, posSum = 0;
    long posPairs = 0;
    double wr = p.rowWeight();
    for (int i = 0; i < p.n; i++) {
      perAnchor[i] = f.rowLse[i] - f.posZ[i] / p.posCount[i];
      loss += wr * perAnchor[i];
      meanRow += perAnchor[i] / p.n;
      ceiling += Math.log(p.validCount[i]) / p.n;
      posSum += f.posZ[i];
      posPairs += p.posCount[i];
    }
    double[] perCandidate = null;
    double lossForBound = meanRow;
    if (p.spec.symmetric()) {
      perCandidate = new double[p.m];
      double wc = p.colWeight(), meanCol = 0, colCeiling = 0;
      for (int j = 0; j < p.m; j++) {
        perCandidate[j] = f.colLse[j] - f.colPosZ[j] / p.colPosCount[j];
        loss += wc * perCandidate[j];
        meanCol += perCandidate[j] / p.m;
        colCeiling += Math.log(p.colValidCount[j]) / p.m;
      }
      ceiling = (ceiling + colCeiling) / 2;
      lossForBound = (meanRow + meanCol) / 2;
    }
    double negMean = Double.NaN;
    if (f.validZ != null) {
      double vz = 0;
      long negPairs = 0;
      for (int i = 0; i < p.n; i++) {
        vz += f.validZ[i];
        negPairs += p.validCount[i] - p.posCount[i];
      }
      negMean = vz * tau / negPairs;
    }
    double bound = ceiling - lossForBound;
    Diagnostics diag = new Diagnostics(bound, ceiling, bound >= Diagnostics.SATURATION * ceiling, posSum * tau / posPairs,
        negMean, Double.NaN, Double.NaN, Double.NaN, Diagnostics.HARD_FRACTION);
    return new LossResult(loss, perAnchor, perCandidate, null, null, Double.NaN, tau, diag);
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
