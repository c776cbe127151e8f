package org.infonce4j.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.Kernels;

/**
 * The fast engine. The {@code N x (M+K)} logit matrix is never materialised: the forward pass
 * walks it in tiles of {@code rowBlock x colTile}, keeping per row only a running maximum and sum
 * (an online log-sum-exp), and per column the same when the loss is symmetric; the backward pass
 * recomputes each tile, turns it into soft-max weights in place and multiplies it straight into the
 * gradients. Extra memory: the unit (and padded) copies of the inputs, the packed candidates, one
 * candidate-gradient buffer per thread and one tile per thread, O((N + M + K) d + threads (M d +
 * tile)).
 *
 * <p>Work is split by row blocks handed out from an atomic counter; each thread keeps its own
 * candidate-gradient and column-statistics buffers, summed after the pass.
 */
final class TiledEngine implements AutoCloseable {

  /** Columns per tile: the kernels' tile width and row stride. */
  static final int COL_TILE = Kernels.TILE;
  /**
   * Largest rows per block; blocks shrink so every thread gets a few when N is small. Each block
   * streams all candidates from L3 once per product, so bigger blocks mean less traffic per flop:
   * 256 measured a few percent faster than 64 at N = 4096, d = 256.
   */
  static final int MAX_ROW_BLOCK = 256;

  private final Kernels kernels;
  private final int threads;
  private final ExecutorService pool; // null when threads == 1
  /** Buffers kept between calls of the same shape (a training loop's); released by close(). */
  private Workspace workspace = new Workspace();

  TiledEngine(Kernels kernels, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.kernels = kernels;
    this.threads = threads;
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "infonce4j-loss");
      t.setDaemon(true);
      return t;
    });
  }

  Kernels kernels() {
    return kernels;
  }

  int threads() {
    return threads;
  }

  private volatile boolean closed;

  @Override
  public void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
    workspace = new Workspace();
  }

  /**
   * Unit (cosine) and padded copies of the inputs, the packed candidates and the per-thread
   * candidate-gradient buffers. Arrays are reused by the next call when they are large enough, so a
   * loop over same-sized batches allocates them once.
   */
  private static final class Workspace {
    int dp; // padded feature width, a multiple of Kernels.PAD
    int ld; // row stride of the row-major copies, Kernels.rowStride(dp)
    int cols; // M + K
    float[] aHat; // N x ld: unit anchors / tau
    float[] cHat; // (M+K) x ld: unit candidates then unit queue
    float[] packed; // ceil((M+K)/NR) panels of dp x NR, for the forward products
    float[] cChunks; // (M+K) x dp chunk-major, for dA += G C
    float[] aChunks; // N x dp chunk-major, for dC += G^T A
    double[] aInvNorm; // N: 1/|a_i| (cosine)
    double[] cInvNorm; // M: 1/|c_j| (cosine)
    float[] aGrad; // N x ld: dL/d(aHat), then dL/d(unit anchors)
    float[][] dC = new float[0][]; // per thread, M x ld: its share of dL/d(unit candidates)
  }

  /** {@code a} when it holds at least {@code size} values, else a new array. */
  private static float[] ensure(float[] a, int size) {
    return a != null && a.length >= size ? a : new float[size];
  }

  /** The forward pass's products. */
  private static final class Forward {
    double[] rowLse; // N: log-sum-exp over the valid candidates
    double[] negLse; // N: log-sum-exp over the valid negatives only
    double[] posZ; // N: sum of the positives' logits
    double[] validZ; // N: sum of the valid negatives' logits (forward-only calls)
    double[] colLse; // M (symmetric)
    float[] colLseF; // M (symmetric), float for the kernels
    double[] colPosZ; // M (symmetric)
  }

  LossResult compute(Problem p, boolean backward) {
    if (closed) {
      throw new IllegalStateException("this InfoNce engine is closed");
    }
    Workspace x = prepare(p, backward);
    int rb = rowBlock(p.n);
    Forward f = forward(p, x, rb, !backward);
    return backward ? backward(p, x, f, rb) : forwardResult(p, f);
  }

  private int rowBlock(int n) {
    int perThread = (n + 4 * threads - 1) / (4 * threads);
    int rb = (perThread + 7) / 8 * 8;
    return Math.max(8, Math.min(MAX_ROW_BLOCK, rb));
  }

  // ------------------------------------------------------------------------------ prepare

  private Workspace prepare(Problem p, boolean backward) {
    Workspace x = workspace;
    boolean cosine = p.spec.similarity() == Similarity.COSINE;
    float invTau = (float) (1.0 / p.spec.temperature());
    int n = p.n, m = p.m;
    x.dp = (p.d + Kernels.PAD - 1) / Kernels.PAD * Kernels.PAD;
    x.ld = Kernels.rowStride(x.dp);
    x.cols = m + p.k;
    int nr = kernels.panelWidth();
    int panels = (x.cols + nr - 1) / nr;
    x.cHat = ensure(x.cHat, x.cols * x.ld);
    x.aHat = ensure(x.aHat, n * x.ld);
    x.packed = ensure(x.packed, panels * nr * x.dp);
    if (backward) {
      x.cChunks = ensure(x.cChunks, x.cols * x.dp);
      x.aChunks = ensure(x.aChunks, n * x.dp);
    }
    x.cInvNorm = new double[m];
    x.aInvNorm = new double[n];
    // Unit copies: candidates, queue and anchors as one range of rows.
    int total = x.cols + n;
    runBlocks(total, PREP_BLOCK, (worker, r0, rows) -> {
      for (int i = r0; i < r0 + rows; i++) {
        if (i < m) {
          x.cInvNorm[i] = copyRow(p.candidates, i, cosine, 1f, x.cHat, i, x.ld);
        } else if (i < x.cols) {
          copyRow(p.queue, i - m, cosine, 1f, x.cHat, i, x.ld);
        } else {
          x.aInvNorm[i - x.cols] = copyRow(p.anchors, i - x.cols, cosine, invTau, x.aHat, i - x.cols, x.ld);
        }
      }
    });
    // Their kernel layouts: candidate panels, then candidate and anchor chunks.
    int panelBlock = Math.max(1, PREP_BLOCK / nr);
    runBlocks(panels, panelBlock, (worker, p0, count) -> kernels.pack(x.cHat, x.cols, x.dp, x.ld, x.packed, p0, p0 + count));
    if (!backward) {
      return x; // the chunked layouts serve the backward products only
    }
    runBlocks(total, PREP_BLOCK, (worker, r0, rows) -> {
      int r1 = r0 + rows;
      if (r0 < x.cols) {
        kernels.chunk(x.cHat, x.cols, x.dp, x.ld, x.cChunks, r0, Math.min(r1, x.cols));
      }
      if (r1 > x.cols) {
        kernels.chunk(x.aHat, n, x.dp, x.ld, x.aChunks, Math.max(r0, x.cols) - x.cols, r1 - x.cols);
      }
    });
    return x;
  }

  /** Rows per task of the preparation and finishing passes. */
  private static final int PREP_BLOCK = 256;

  /**
   * Copies row {@code r} of {@code src} into row {@code dstRow} of {@code dst} (stride {@code ld},
   * zero padding), divided by its norm when {@code cosine}, times {@code scale}; returns the
   * inverse norm (1 for dot).
   */
  private static double copyRow(Matrix src, int r, boolean cosine, float scale, float[] dst, int dstRow, int ld) {
    int d = src.cols();
    float[] v = src.data();
    int s0 = r * d;
    double sq = 0;
    for (int t = 0; t < d; t++) {
      sq += (double) v[s0 + t] * v[s0 + t];
    }
    double invNorm = cosine ? 1 / Math.sqrt(sq) : 1;
    double f = invNorm * scale;
    int o = dstRow * ld;
    for (int t = 0; t < d; t++) {
      dst[o + t] = (float) (v[s0 + t] * f);
    }
    java.util.Arrays.fill(dst, o + d, o + ld, 0f);
    return invNorm;
  }

  // ------------------------------------------------------------------------------ tiles

  /** Computes the logit tile for rows [r0, r0+rows) and columns [j0, j0+w), exclusions as -Infinity. */
  private void logitTile(Problem p, Workspace x, int r0, int rows, int j0, int w, float[] z) {
    int nr = kernels.panelWidth();
    int panels = (w + nr - 1) / nr;
    kernels.dotTile(x.aHat, r0 * x.ld, x.ld, rows, x.packed, j0 / nr * nr * x.dp, panels, x.dp, z);
    int jEnd = Math.min(j0 + w, p.m); // masks cover candidates only, never the queue
    for (int r = 0; r < rows; r++) {
      int i = r0 + r;
      if (p.excludeSelf && i >= j0 && i < jEnd) {
        z[r * COL_TILE + i - j0] = Float.NEGATIVE_INFINITY;
      }
      if (p.excluded != null) {
        for (int j = p.excluded.nextSet(i, j0); j >= 0 && j < jEnd; j = p.excluded.nextSet(i, j + 1)) {
          z[r * COL_TILE + j - j0] = Float.NEGATIVE_INFINITY;
        }
      }
    }
  }

  /**
   * Lists the positives (anchor {@code r0 + r}, candidate j) with j in [j0, j0 + w) as pairs
   * {@code (rowsOut[t], colsOut[t])}; returns how many.
   */
  private static int collectPositives(Problem p, int r0, int rows, int j0, int w, int[] rowsOut, int[] colsOut) {
    int jEnd = Math.min(j0 + w, p.m);
    int count = 0;
    for (int r = 0; r < rows; r++) {
      int i = r0 + r;
      if (p.posMask == null) {
        int j = p.posIndex[i];
        if (j >= j0 && j < jEnd) {
          rowsOut[count] = r;
          colsOut[count++] = j;
        }
      } else {
        for (int j = p.posMask.nextSet(i, j0); j >= 0 && j < jEnd; j = p.posMask.nextSet(i, j + 1)) {
          rowsOut[count] = r;
          colsOut[count++] = j;
        }
      }
    }
    return count;
  }

  /** Room for the positives of one tile. */
  private static int positiveCapacity(Problem p) {
    return p.posMask == null ? MAX_ROW_BLOCK : MAX_ROW_BLOCK * COL_TILE;
  }

  // ------------------------------------------------------------------------------ forward

  /** Per-thread buffers of the forward pass. */
  private final class ForwardWorker {
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

    ForwardWorker(Problem p) {
      boolean sym = p.spec.symmetric();
      posR = new int[positiveCapacity(p)];
      posJ = new int[positiveCapacity(p)];
      posV = new float[positiveCapacity(p)];
      colMax = sym ? filled(p.m, Float.NEGATIVE_INFINITY) : null;
      colSum = sym ? new double[p.m] : null;
      colPosZ = sym ? new double[p.m] : null;
    }

    void block(Problem p, Workspace x, Forward f, int r0, int rows, boolean validSums) {
      // Online log-sum-exp per row, kept apart for the negatives (vector passes) and the positives
      // (scalar), so that the negatives' own log-sum-exp stays exact when a positive dominates.
      float[] negMax = filled(rows, Float.NEGATIVE_INFINITY);
      double[] negSum = new double[rows];
      double[] posMax = new double[rows];
      java.util.Arrays.fill(posMax, Double.NEGATIVE_INFINITY);
      double[] posSum = new double[rows];
      for (int j0 = 0; j0 < x.cols; j0 += COL_TILE) {
        int w = Math.min(COL_TILE, x.cols - j0);
        logitTile(p, x, r0, rows, j0, w, z);
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

  private Forward forward(Problem p, Workspace x, int rb, boolean validSums) {
    Forward f = new Forward();
    f.rowLse = new double[p.n];
    f.negLse = new double[p.n];
    f.posZ = new double[p.n];
    f.validZ = validSums ? new double[p.n] : null;
    List<ForwardWorker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(new ForwardWorker(p));
    }
    runBlocks(p.n, rb, (worker, r0, rows) -> workers.get(worker).block(p, x, f, r0, rows, validSums));
    if (p.spec.symmetric()) {
      mergeColumns(p, f, workers);
    }
    return f;
  }

  private void mergeColumns(Problem p, Forward f, List<ForwardWorker> workers) {
    f.colLse = new double[p.m];
    f.colLseF = new float[p.m];
    f.colPosZ = new double[p.m];
    for (int j = 0; j < p.m; j++) {
      float max = Float.NEGATIVE_INFINITY;
      for (ForwardWorker w : workers) {
        max = Math.max(max, w.colMax[j]);
      }
      double sum = 0, pos = 0;
      for (ForwardWorker w : workers) {
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

  // ------------------------------------------------------------------------------ backward

  /** Per-thread buffers and sums of the backward pass. */
  private final class BackwardWorker {
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

    BackwardWorker(Problem p, float[] dC) {
      this.dC = dC;
      int cap = positiveCapacity(p);
      posR = new int[cap];
      posJ = new int[cap];
      posV = new float[cap];
      diagnostics = p.spec.diagnostics();
      hardCap = diagnostics ? 2 * Diagnostics.hardCount(p.m + p.k) : 0;
      hard = new float[diagnostics ? MAX_ROW_BLOCK * hardCap : 0];
    }

    void block(Problem p, Workspace x, Forward f, float[] dAp, int r0, int rows) {
      float wr = (float) p.rowWeight();
      float wc = p.spec.symmetric() ? (float) p.colWeight() : 0f;
      double[] qNeg = new double[rows]; // sum of exp(z - negLse) over the row's negatives (about 1)
      double[] qzNeg = new double[rows]; // sum of exp(z - negLse) z
      java.util.Arrays.fill(hardSize, 0);
      java.util.Arrays.fill(hardThreshold, Float.NEGATIVE_INFINITY);
      for (int j0 = 0; j0 < x.cols; j0 += COL_TILE) {
        int w = Math.min(COL_TILE, x.cols - j0);
        logitTile(p, x, r0, rows, j0, w, z);
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

  private LossResult backward(Problem p, Workspace x, Forward f, int rb) {
    x.aGrad = ensure(x.aGrad, p.n * x.ld); // N x ld: dL/d(aHat)
    float[] dAp = x.aGrad;
    if (x.dC.length < threads) {
      x.dC = java.util.Arrays.copyOf(x.dC, threads);
    }
    List<BackwardWorker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      x.dC[t] = ensure(x.dC[t], p.m * x.ld);
      workers.add(new BackwardWorker(p, x.dC[t]));
    }
    // Zero the per-thread candidate gradients (each thread its own) and the anchor gradient rows.
    runBlocks(threads, 1, (worker, t, one) -> java.util.Arrays.fill(x.dC[t], 0, p.m * x.ld, 0f));
    runBlocks(p.n, rb, (worker, r0, rows) -> {
      java.util.Arrays.fill(dAp, r0 * x.ld, (r0 + rows) * x.ld, 0f);
      workers.get(worker).block(p, x, f, dAp, r0, rows);
    });

    double tau = p.spec.temperature();
    double tauSum = 0, entropy = 0, maxEntropy = 0, hardShare = 0, validZ = 0;
    for (BackwardWorker w : workers) {
      tauSum += w.tauSum;
      entropy += w.entropySum;
      maxEntropy += w.maxEntropySum;
      hardShare += w.hardShareSum;
      validZ += w.validZSum;
    }
    // The positives' logits took part in tauSum via G z, in the row and the column parts alike.
    double gradTau = -tauSum / tau;

    // Sum the threads' candidate gradients into the first, then map every gradient back through
    // the normalisation and drop the padding, all in parallel over rows.
    boolean cosine = p.spec.similarity() == Similarity.COSINE;
    float invTau = (float) (1 / tau);
    float[] dC = x.dC[0]; // M x ld: dL/d(unit candidates), summed over threads
    float[] anchorOut = new float[p.n * p.d]; // N x d
    float[] candidateOut = p.shared ? null : new float[p.m * p.d]; // M x d
    runBlocks(Math.max(p.n, p.m), PREP_BLOCK, (worker, r0, rows) -> {
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
    Matrix anchorGrad = new Matrix(p.n, p.d, anchorOut);
    Matrix candidateGrad = p.shared ? null : new Matrix(p.m, p.d, candidateOut);

    LossResult fr = forwardResult(p, f);
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

  // ------------------------------------------------------------------------------ results

  private static LossResult forwardResult(Problem p, Forward f) {
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

  // ------------------------------------------------------------------------------ threads

  @FunctionalInterface
  private interface BlockTask {
    void run(int worker, int r0, int rows);
  }

  /** Hands out row blocks of {@code rb} rows to the workers; rethrows the first failure. */
  private void runBlocks(int n, int rb, BlockTask task) {
    int blocks = (n + rb - 1) / rb;
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(threads, blocks);
    List<Callable<Void>> jobs = new ArrayList<>(workers);
    for (int t = 0; t < workers; t++) {
      final int worker = t;
      jobs.add(() -> {
        for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
          int r0 = b * rb;
          task.run(worker, r0, Math.min(rb, n - r0));
        }
        return null;
      });
    }
    if (pool == null || workers == 1) {
      try {
        jobs.get(0).call();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return;
    }
    try {
      List<Future<Void>> done = pool.invokeAll(jobs);
      for (Future<Void> fut : done) {
        fut.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing the loss", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
