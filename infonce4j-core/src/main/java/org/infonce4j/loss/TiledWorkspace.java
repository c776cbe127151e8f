package org.infonce4j.loss;

import static org.infonce4j.loss.TiledEngine.COL_TILE;
import static org.infonce4j.loss.TiledEngine.MAX_ROW_BLOCK;
import static org.infonce4j.loss.TiledEngine.PREP_BLOCK;

import org.infonce4j.Matrix;
import org.infonce4j.kernels.Kernels;

/**
 * The tiled engine's buffers: unit (cosine) and padded copies of the inputs, the packed candidates
 * and the per-thread candidate-gradient buffers, with the logit tiles computed from them. Arrays are
 * reused by the next call when they are large enough, so a loop over same-sized batches allocates
 * them once. One per {@link TiledEngine}, kept between calls of the same shape (a training loop's).
 */
final class TiledWorkspace {
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

  /** {@code a} when it holds at least {@code size} values, else a new array. */
  static float[] ensure(float[] a, int size) {
    return a != null && a.length >= size ? a : new float[size];
  }

  // ------------------------------------------------------------------------------ prepare

  /**
   * Fills the unit copies and the packed candidates for {@code p}, and the chunked layouts too when
   * {@code backward}, with the kernels and threads of {@code engine}.
   */
  void prepare(Problem p, boolean backward, TiledEngine engine) {
    Kernels kernels = engine.kernels();
    boolean cosine = p.spec.similarity() == Similarity.COSINE;
    float invTau = (float) (1.0 / p.spec.temperature());
    int n = p.n, m = p.m;
    dp = (p.d + Kernels.PAD - 1) / Kernels.PAD * Kernels.PAD;
    ld = Kernels.rowStride(dp);
    cols = m + p.k;
    int nr = kernels.panelWidth();
    int panels = (cols + nr - 1) / nr;
    cHat = ensure(cHat, cols * ld);
    aHat = ensure(aHat, n * ld);
    packed = ensure(packed, panels * nr * dp);
    if (backward) {
      cChunks = ensure(cChunks, cols * dp);
      aChunks = ensure(aChunks, n * dp);
    }
    cInvNorm = new double[m];
    aInvNorm = new double[n];
    // Unit copies: candidates, queue and anchors as one range of rows.
    int total = cols + n;
    engine.runBlocks(total, PREP_BLOCK, (worker, r0, rows) -> {
      for (int i = r0; i < r0 + rows; i++) {
        if (i < m) {
          cInvNorm[i] = copyRow(p.candidates, i, cosine, 1f, cHat, i, ld);
        } else if (i < cols) {
          copyRow(p.queue, i - m, cosine, 1f, cHat, i, ld);
        } else {
          aInvNorm[i - cols] = copyRow(p.anchors, i - cols, cosine, invTau, aHat, i - cols, ld);
        }
      }
    });
    // Their kernel layouts: candidate panels, then candidate and anchor chunks.
    int panelBlock = Math.max(1, PREP_BLOCK / nr);
    engine.runBlocks(panels, panelBlock, (worker, p0, count) -> kernels.pack(cHat, cols, dp, ld, packed, p0, p0 + count));
    if (!backward) {
      return; // the chunked layouts serve the backward products only
    }
    engine.runBlocks(total, PREP_BLOCK, (worker, r0, rows) -> {
      int r1 = r0 + rows;
      if (r0 < cols) {
        kernels.chunk(cHat, cols, dp, ld, cChunks, r0, Math.min(r1, cols));
      }
      if (r1 > cols) {
        kernels.chunk(aHat, n, dp, ld, aChunks, Math.max(r0, cols) - cols, r1 - cols);
      }
    });
  }

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
  void logitTile(Kernels kernels, Problem p, int r0, int rows, int j0, int w, float[] z) {
    int nr = kernels.panelWidth();
    int panels = (w + nr - 1) / nr;
    kernels.dotTile(aHat, r0 * ld, ld, rows, packed, j0 / nr * nr * dp, panels, dp, z);
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
  static int collectPositives(Problem p, int r0, int rows, int j0, int w, int[] rowsOut, int[] colsOut) {
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
  static int positiveCapacity(Problem p) {
    return p.posMask == null ? MAX_ROW_BLOCK : MAX_ROW_BLOCK * COL_TILE;
  }
}
