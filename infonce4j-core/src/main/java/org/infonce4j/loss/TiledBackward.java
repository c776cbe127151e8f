package org.infonce4j.loss;

import static org.infonce4j.loss.TiledEngine.COL_TILE;
import static org.infonce4j.loss.TiledEngine.MAX_ROW_BLOCK;
import static org.infonce4j.loss.TiledEngine.PREP_BLOCK;
import static org.infonce4j.loss.TiledWorkspace.collectPositives;
import static org.infonce4j.loss.TiledWorkspace.ensure;
import static org.infonce4j.loss.TiledWorkspace.positiveCapacity;

import java.util.ArrayList;
import java.util.List;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.Kernels;

/**
 * The tiled engine's backward pass: each row block recomputes its logit tiles, turns them into
 * soft-max weights in place and multiplies them straight into the gradients. Every thread keeps its
 * own candidate-gradient buffer and sums (dL/dtau and the diagnostics), summed after the pass; the
 * gradients are then mapped back through the normalisation to the inputs.
 */
final class TiledBackward {

  private TiledBackward() {
  }

  /**
   * Runs the backward pass over row blocks of {@code rb} rows, after the forward pass {@code f}: the
   * loss and forward diagnostics of {@code f} with the gradients and the backward diagnostics.
   */
  static LossResult run(TiledEngine engine, Problem p, TiledWorkspace x, TiledForward f, int rb) {
    int threads = engine.threads();
    x.aGrad = ensure(x.aGrad, p.n * x.ld); // N x ld: dL/d(aHat)
    float[] dAp = x.aGrad;
    if (x.dC.length < threads) {
      x.dC = java.util.Arrays.copyOf(x.dC, threads);
    }
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      x.dC[t] = ensure(x.dC[t], p.m * x.ld);
      workers.add(new Worker(p, engine.kernels(), x.dC[t]));
    }
    // Zero the per-thread candidate gradients (each thread its own) and the anchor gradient rows.
    engine.runBlocks(threads, 1, (worker, t, one) -> java.util.Arrays.fill(x.dC[t], 0, p.m * x.ld, 0f));
    engine.runBlocks(p.n, rb, (worker, r0, rows) -> {
      java.util.Arrays.fill(dAp, r0 * x.ld, (r0 + rows) * x.ld, 0f);
      workers.get(worker).block(p, x, f, dAp, r0, rows);
    });

    double tau = p.spec.temperature();
    double tauSum = 0, entropy = 0, maxEntropy = 0, hardShare = 0, validZ = 0;
    for (Worker w : workers) {
      tauSum += w.tauSum;
      entropy += w.entropySum;
      maxEntropy += w.maxEntropySum;
      hardShare += w.hardShareSum;
      validZ += w.validZSum;
    }
    // The positives' logits took part in tauSum via G z, in the row and the column parts alike.
    double gradTau = -tauSum / tau;

    float[] anchorOut = new float[p.n * p.d]; // N x d
    float[] candidateOut = p.shared ? null : new float[p.m * p.d]; // M x d
    toInputs(engine, p, x, anchorOut, candidateOut);
    Matrix anchorGrad = new Matrix(p.n, p.d, anchorOut);
    Matrix candidateGrad = p.shared ? null : new Matrix(p.m, p.d, candidateOut);

    LossResult fr = TiledForward.result(p, f);
    Diagnostics base = fr.diagnostics();
    long negPairs = 0;
    for (int i = 0; i < p.n; i++) {
      negPairs += p.validCount[i] - p.posCount[i];
    }
    boolean on = p.spec.diagnostics();
    Diagnostics diag = new Diagnostics(base.miLowerBound(), base.miCeiling(), base.miSaturated(), base.meanPositiveSimilarity(),
        validZ * tau / negPairs, on ? entropy / p.n : Double.NaN, maxEntropy / p.n,
        on ? hardShare / Diagnostics.hardSampleSize(p.n) : Double.NaN, Diagnostics.HARD_FRACTION);
    return new LossResult(fr.loss(), fr.perAnchor(), fr.perCandidate(), anchorGrad, candidateGrad, gradTau, tau, diag);
  }

  /**
   * Sums the threads' candidate gradients into the first, then maps every gradient back through the
   * normalisation into {@code anchorOut} (N x d) and, unless the views are shared,
   * {@code candidateOut} (M x d), dropping the padding; all in parallel over rows.
   */
  private static void toInputs(TiledEngine engine, Problem p, TiledWorkspace x, float[] anchorOut, float[] candidateOut) {
    int threads = engine.threads();
    double tau = p.spec.temperature();
    boolean cosine = p.spec.similarity() == Similarity.COSINE;
    float invTau = (float) (1 / tau);
    float[] dAp = x.aGrad; // N x ld: dL/d(aHat), turned into dL/d(unit anchors)
    float[] dC = x.dC[0]; // M x ld: dL/d(unit candidates), summed over threads
    engine.runBlocks(Math.max(p.n, p.m), PREP_BLOCK, (worker, r0, rows) -> {
      int mEnd = Math.min(p.m, r0 + rows);
      for (int t = 1; t < threads; t++) {
        float[] other = x.dC[t];
        for (int q = r0 * x.ld; q < mEnd * x.ld; q++) {
          dC[q] += other[q];
        }
      }
      for (int i = r0; i < Math.min(p.n, r0 + rows); i++) {
        int o = i * x.ld;
        if (p.shared) {
          // One set of views in both roles: dL/dv = dAp / tau + dC, w.r.t. the unit views.
          for (int t = 0; t < x.dp; t++) {
            dAp[o + t] = dAp[o + t] * invTau + dC[o + t];
          }
          toInput(dAp, x.cHat, o, x.aInvNorm[i], 1f, cosine, anchorOut, i * p.d, p.d);
        } else {
          for (int t = 0; t < x.dp; t++) {
            dAp[o + t] *= invTau;
          }
          toInput(dAp, x.aHat, o, x.aInvNorm[i], (float) tau, cosine, anchorOut, i * p.d, p.d);
        }
      }
      if (!p.shared) {
        for (int j = r0; j < mEnd; j++) {
          toInput(dC, x.cHat, j * x.ld, x.cInvNorm[j], 1f, cosine, candidateOut, j * p.d, p.d);
        }
      }
    });
  }

  /**
   * Maps the gradient w.r.t. a unit row {@code u = hat[o..] * uScale} back to the raw input row:
   * {@code dx = (du - u (u . du)) / |x|} for cosine, {@code du} for dot; drops the padding.
   */
  private static void toInput(float[] du, float[] hat, int o, double invNorm, float uScale, boolean cosine, float[] out, int outOff, int d) {
    if (!cosine) {
      System.arraycopy(du, o, out, outOff, d);
      return;
    }
    double proj = 0;
    for (int t = 0; t < d; t++) {
      proj += (double) hat[o + t] * du[o + t];
    }
    double b = proj * uScale * uScale;
    for (int t = 0; t < d; t++) {
      out[outOff + t] = (float) ((du[o + t] - hat[o + t] * b) * invNorm);
    }
  }

  /** Per-thread buffers and sums of the backward pass. */
  private static final class Worker {
    final Kernels kernels;
    final float[] z = new float[MAX_ROW_BLOCK * COL_TILE]; // tile, turned into dL/dz in place
    final float[] dC; // M x ld: this thread's share of dL/d(unit candidates)
    final double[] sums = new double[3];
    final int[] posR; // positives met in the current tile: row in block,
    final int[] posJ; // column,
    final float[] posV; // and logit
    final boolean diagnostics;
    final int hardCap; // buffer room per row: twice the largest hard-negative count of any row
    final float[] hard; // rowBlock x hardCap: per-row candidates for the hardest negatives' logits
    final int[] hardSize = new int[MAX_ROW_BLOCK];
    final float[] hardThreshold = new float[MAX_ROW_BLOCK];
    double tauSum; // sum over the block's rows of G_ij z_ij
    double entropySum;
    double maxEntropySum;
    double hardShareSum;
    double validZSum; // sum of the valid negatives' logits

    Worker(Problem p, Kernels kernels, float[] dC) {
      this.kernels = kernels;
      this.dC = dC;
      int cap = positiveCapacity(p);
      posR = new int[cap];
      posJ = new int[cap];
      posV = new float[cap];
      diagnostics = p.spec.diagnostics();
      hardCap = diagnostics ? 2 * Diagnostics.hardCount(p.m + p.k) : 0;
      hard = new float[diagnostics ? MAX_ROW_BLOCK * hardCap : 0];
    }

    void block(Problem p, TiledWorkspace x, TiledForward f, float[] dAp, int r0, int rows) {
      float wr = (float) p.rowWeight();
      float wc = p.spec.symmetric() ? (float) p.colWeight() : 0f;
      double[] qNeg = new double[rows]; // sum of exp(z - negLse) over the row's negatives (about 1)
      double[] qzNeg = new double[rows]; // sum of exp(z - negLse) z
      java.util.Arrays.fill(hardSize, 0);
      java.util.Arrays.fill(hardThreshold, Float.NEGATIVE_INFINITY);
      for (int j0 = 0; j0 < x.cols; j0 += COL_TILE) {
        int w = Math.min(COL_TILE, x.cols - j0);
        x.logitTile(kernels, p, r0, rows, j0, w, z);
        // Lift the positives out of the tile: the kernels then see valid negatives only.
        int positives = collectPositives(p, r0, rows, j0, w, posR, posJ);
        for (int t = 0; t < positives; t++) {
          int at = posR[t] * COL_TILE + posJ[t] - j0;
          posV[t] = z[at];
          z[at] = Float.NEGATIVE_INFINITY;
        }
        for (int r = 0; r < rows; r++) {
          int off = r * COL_TILE;
          int i = r0 + r;
          validZSum += kernels.sumFinite(z, off, w);
          if (diagnostics && Diagnostics.inHardSample(i, p.n)) {
            collectHardest(r, off, w, hardCount(p, i));
          }
          // A negative's soft-max weight is exp(z - lse) = q * exp(negLse - lse) with q the weight
          // within the negatives: the kernel works with q (well scaled even when a positive
          // dominates) and folds the factor into the row weight.
          float negLse = (float) f.negLse[i];
          double share = Math.exp(f.negLse[i] - f.rowLse[i]); // the negatives' total weight
          sums[0] = 0;
          sums[1] = 0;
          sums[2] = 0;
          if (wc == 0f) {
            kernels.softmaxRow(z, off, w, negLse, (float) (wr * share), sums);
          } else {
            kernels.softmaxRowSymmetric(z, off, w, negLse, (float) (wr * share), f.colLseF, j0, wc, sums);
          }
          qNeg[r] += sums[0];
          qzNeg[r] += sums[1];
          tauSum += wr * share * sums[1] + wc * sums[2];
        }
        for (int t = 0; t < positives; t++) {
          int r = posR[t], j = posJ[t], i = r0 + r;
          double zp = posV[t];
          // One positive: its weight minus 1 is minus the negatives' share, exactly.
          double g = p.posCount[i] == 1
              ? -wr * Math.exp(f.negLse[i] - f.rowLse[i])
              : wr * (Math.exp(zp - f.rowLse[i]) - 1.0 / p.posCount[i]);
          if (wc != 0f) {
            g += wc * (Math.exp(zp - f.colLse[j]) - 1.0 / p.colPosCount[j]);
          }
          z[r * COL_TILE + j - j0] = (float) g;
          tauSum += g * zp;
        }
        kernels.addProduct(z, rows, w, x.cChunks, x.cols, j0, x.dp, dAp, r0 * x.ld, x.ld);
        if (j0 < p.m) {
          kernels.addTransposedProduct(z, rows, Math.min(w, p.m - j0), x.aChunks, p.n, r0, x.dp, dC, j0 * x.ld, x.ld);
        }
      }
      for (int r = 0; r < rows; r++) {
        maxEntropySum += Math.log(p.validCount[r0 + r] - p.posCount[r0 + r]);
      }
      if (diagnostics) {
        for (int r = 0; r < rows; r++) {
          int i = r0 + r;
          // The float the kernel used: its rounding then scales every q alike and cancels below.
          double lse = (float) f.negLse[i];
          // Entropy of q = exp(z - negLse) / qNeg over the negatives (qNeg is 1 up to rounding).
          entropySum += Math.log(qNeg[r]) + lse - qzNeg[r] / qNeg[r];
          if (!Diagnostics.inHardSample(i, p.n)) {
            continue;
          }
          int keep = hardCount(p, i);
          int size = hardSize[r];
          if (size > keep) {
            selectLargest(hard, r * hardCap, size, keep);
            size = keep;
          }
          double hardP = 0;
          for (int t = 0; t < size; t++) {
            hardP += Math.exp(hard[r * hardCap + t] - lse);
          }
          hardShareSum += hardP / qNeg[r];
        }
      }
    }

    private int hardCount(Problem p, int i) {
      return Diagnostics.hardCount(p.validCount[i] - p.posCount[i]);
    }

    /**
     * Collects candidates for the {@code keep} largest valid logits of tile row {@code r}: every
     * logit above the row's threshold is appended to its buffer; a full buffer (2 keep) is cut back
     * to its {@code keep} largest, whose smallest becomes the new threshold. Amortised O(1) per
     * logit kept, and the vector scan skips the rest.
     */
    private void collectHardest(int r, int off, int w, int keep) {
      int base = r * hardCap;
      int size = hardSize[r];
      float threshold = hardThreshold[r];
      for (int j = kernels.nextAbove(z, off, 0, w, threshold); j >= 0; j = kernels.nextAbove(z, off, j + 1, w, threshold)) {
        hard[base + size++] = z[off + j];
        if (size == 2 * keep) {
          selectLargest(hard, base, size, keep);
          size = keep;
          float min = hard[base];
          for (int t = 1; t < keep; t++) {
            min = Math.min(min, hard[base + t]);
          }
          threshold = min;
        }
      }
      hardSize[r] = size;
      hardThreshold[r] = threshold;
    }
  }

  /** Reorders {@code a[base .. base+size)} so that its {@code k} largest values come first (quickselect). */
  static void selectLargest(float[] a, int base, int size, int k) {
    int lo = base, hi = base + size - 1, target = base + k - 1;
    while (lo < hi) {
      // median of three as the pivot, then a Hoare partition into >= pivot | <= pivot
      int mid = (lo + hi) >>> 1;
      float x = a[lo], y = a[mid], zz = a[hi];
      float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), zz));
      int i = lo, j = hi;
      while (i <= j) {
        while (a[i] > pivot) {
          i++;
        }
        while (a[j] < pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i++] = a[j];
          a[j--] = t;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }
}
