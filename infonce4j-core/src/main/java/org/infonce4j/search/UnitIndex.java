package org.infonce4j.search;

import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.kernels.Kernels;

/**
 * The first {@code rows} vectors scaled to unit length and packed for the loss engine's
 * {@link Kernels#dotTile} kernel, so that the dot products of any number of queries with all rows
 * (cosines, for unit queries) come one tile of {@link Kernels#TILE} rows at a time. Zero vectors
 * stay zero (score 0 against everything). Built once; read-only afterwards, so threads may share
 * it.
 */
public final class UnitIndex {

  /** Rows (candidates) per tile, and queries per kernel call. */
  public static final int TILE = Kernels.TILE;

  private final Kernels kernels = KernelProvider.get();
  private final Matrix vectors;
  private final int rows;
  private final int dim;
  private final int depth; // dim padded to Kernels.PAD
  private final int nr; // columns per packed panel
  private final float[] packed; // ceil(rows / nr) panels, each depth x nr (k-major)

  /**
   * Indexes rows {@code [0, rows)} of {@code vectors}.
   *
   * @param vectors the vectors, one per row (kept, not copied, for {@link #addUnit})
   * @param rows how many of the first rows to index
   */
  public UnitIndex(Matrix vectors, int rows) {
    this.vectors = vectors;
    this.rows = rows;
    this.dim = vectors.cols();
    this.depth = Math.max(Kernels.PAD, (dim + Kernels.PAD - 1) / Kernels.PAD * Kernels.PAD);
    this.nr = kernels.panelWidth();
    int panels = (rows + nr - 1) / nr;
    this.packed = new float[Math.multiplyExact(Math.multiplyExact(panels, nr), depth)];
    float[] data = vectors.data(); // V x dim
    for (int i = 0; i < rows; i++) {
      double scale = inverseNorm(data, i * dim, dim);
      int at = (i / nr) * nr * depth + i % nr; // column i % nr of panel i / nr
      for (int k = 0; k < dim; k++) {
        packed[at + k * nr] = (float) (data[i * dim + k] * scale);
      }
    }
  }

  /**
   * The number of indexed rows.
   *
   * @return the row count
   */
  public int rows() {
    return rows;
  }

  /**
   * The row stride of query blocks (the padded dimension).
   *
   * @return the dimension rounded up to a multiple of {@link Kernels#PAD}
   */
  public int depth() {
    return depth;
  }

  /**
   * The kernels that score the tiles.
   *
   * @return the kernels
   */
  public Kernels kernels() {
    return kernels;
  }

  /**
   * Adds {@code weight} times the unit vector of row {@code i} (of the full matrix, any row) to
   * {@code dst[off, off + dim)}.
   *
   * @param i the row of the vectors
   * @param weight the scale of its unit vector
   * @param dst the accumulator
   * @param off the offset in {@code dst}
   */
  public void addUnit(int i, float weight, float[] dst, int off) {
    float[] data = vectors.data();
    double scale = weight * inverseNorm(data, i * dim, dim);
    for (int k = 0; k < dim; k++) {
      dst[off + k] += (float) (data[i * dim + k] * scale);
    }
  }

  /**
   * Scales {@code v[off, off + dim)} to unit length; false if it is zero or not finite.
   *
   * @param v the array holding the vector
   * @param off the vector's offset
   * @return whether it could be scaled
   */
  public boolean normalize(float[] v, int off) {
    double norm = 1 / inverseNorm(v, off, dim);
    if (!(norm > 0) || Double.isInfinite(norm)) {
      return false;
    }
    for (int k = 0; k < dim; k++) {
      v[off + k] = (float) (v[off + k] / norm);
    }
    return true;
  }

  /**
   * The number of column tiles: {@code ceil(rows / TILE)}.
   *
   * @return the tile count
   */
  public int tiles() {
    return (rows + TILE - 1) / TILE;
  }

  /**
   * Scores {@code nq} queries ({@code queries}, row stride {@link #depth()}, zero-padded) against
   * the rows of column tile {@code t}, {@code [t * TILE, t * TILE + n)}: query {@code q} lands in
   * {@code out[q / TILE][(q % TILE) * TILE + j]} for row {@code t * TILE + j}. {@code out} holds
   * {@code ceil(nq / TILE)} arrays of {@code TILE * TILE} floats; the caller owns them. Returns n.
   *
   * @param queries the query block, {@code nq} rows of {@link #depth()} floats
   * @param nq the number of queries
   * @param t the column tile
   * @param out the score tiles, overwritten
   * @return n, the rows in the tile
   */
  public int tile(float[] queries, int nq, int t, float[][] out) {
    int c0 = t * TILE;
    int n = Math.min(TILE, rows - c0);
    int panels = (n + nr - 1) / nr;
    for (int b = 0; b * TILE < nq; b++) {
      kernels.dotTile(queries, b * TILE * depth, depth, Math.min(TILE, nq - b * TILE), packed, c0 * depth, panels, depth,
          out[b]);
    }
    return n;
  }

  /** 1 / |v[off, off + dim)| in double; infinity for a zero vector is mapped to 0. */
  private static double inverseNorm(float[] v, int off, int dim) {
    double sum = 0;
    for (int k = 0; k < dim; k++) {
      double x = v[off + k];
      sum += x * x;
    }
    return sum > 0 ? 1 / Math.sqrt(sum) : 0;
  }
}
