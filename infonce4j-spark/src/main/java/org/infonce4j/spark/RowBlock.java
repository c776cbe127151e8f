package org.infonce4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A piece of one round's update: for up to {@link DistributedConfig#BLOCK_ROWS} consecutive rows
 * of one matrix, the weighted sum of the partitions' changes ({@code w_p (local_p - start)}) and,
 * per row, the summed weight of the partitions that changed it. Pieces of the same block add up
 * ({@link #plus}); the driver then applies the sum ({@link #applyTo}).
 *
 * <p>Sparse pieces list the rows they hold ({@code rows}, ascending); a dense piece
 * ({@code rows == null}) holds every row of its block.
 */
final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  /** 0: word vectors, 1: context vectors. */
  final int matrix;
  /** Block index: rows {@code block * BLOCK_ROWS ..}. */
  final int block;
  /** Global row ids, ascending; null when the piece holds every row of the block. */
  final int[] rows;
  final float[] values; // rows x dim
  final float[] weights; // rows: summed weight of the partitions that changed the row
  final int dim;

  RowBlock(int matrix, int block, int[] rows, float[] values, float[] weights, int dim) {
    this.matrix = matrix;
    this.block = block;
    this.rows = rows;
    this.values = values;
    this.weights = weights;
    this.dim = dim;
  }

  /** The shuffle key: block and matrix. */
  int key() {
    return 2 * block + matrix;
  }

  int size() {
    return weights.length;
  }

  int row(int i) {
    return rows == null ? block * DistributedConfig.BLOCK_ROWS + i : rows[i];
  }

  /** Bytes this piece's arrays take (what travels, before serialisation overhead). */
  long bytes() {
    return 4L * values.length + 4L * weights.length + (rows == null ? 0 : 4L * rows.length);
  }

  /**
   * The pieces of one partition's change to one matrix: {@code weight (local - start)} for every
   * row ({@code sparse} false) or only for the rows that differ ({@code sparse} true).
   *
   * @param start, local: padded {@code V x stride} matrices
   */
  static List<RowBlock> changes(int matrix, float[] start, float[] local, int vocabSize, int dim, int stride, float weight,
      boolean sparse) {
    List<RowBlock> out = new ArrayList<>();
    int blockRows = DistributedConfig.BLOCK_ROWS;
    int[] rowBuf = new int[blockRows];
    float[] valueBuf = new float[blockRows * dim]; // rows x dim
    for (int b = 0; b * blockRows < vocabSize; b++) {
      int from = b * blockRows;
      int to = Math.min(vocabSize, from + blockRows);
      int n = 0;
      for (int v = from; v < to; v++) {
        int at = v * stride;
        boolean changed = false;
        for (int k = 0; k < dim; k++) {
          if (local[at + k] != start[at + k]) {
            changed = true;
            break;
          }
        }
        if (!changed && sparse) {
          continue;
        }
        int o = n * dim;
        if (changed) {
          for (int k = 0; k < dim; k++) {
            valueBuf[o + k] = weight * (local[at + k] - start[at + k]);
          }
        } else {
          Arrays.fill(valueBuf, o, o + dim, 0f);
        }
        rowBuf[n++] = changed ? v : -1 - v; // dense pieces mark the unchanged rows
      }
      if (n == 0) {
        continue;
      }
      float[] weights = new float[n];
      int[] rows = sparse ? new int[n] : null;
      for (int i = 0; i < n; i++) {
        weights[i] = rowBuf[i] >= 0 ? weight : 0f;
        if (rows != null) {
          rows[i] = rowBuf[i];
        }
      }
      out.add(new RowBlock(matrix, b, rows, Arrays.copyOf(valueBuf, n * dim), weights, dim));
    }
    return out;
  }

  /** The sum of two pieces of the same block (a new piece; the arguments are left as they were). */
  static RowBlock plus(RowBlock a, RowBlock b) {
    if (a.rows == null && b.rows == null) {
      float[] values = a.values.clone();
      float[] weights = a.weights.clone();
      for (int i = 0; i < values.length; i++) {
        values[i] += b.values[i];
      }
      for (int i = 0; i < weights.length; i++) {
        weights[i] += b.weights[i];
      }
      return new RowBlock(a.matrix, a.block, null, values, weights, a.dim);
    }
    int dim = a.dim;
    int na = a.size();
    int nb = b.size();
    int[] rows = new int[na + nb];
    float[] values = new float[(na + nb) * dim]; // merged rows x dim
    float[] weights = new float[na + nb];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < na || j < nb) {
      int ra = i < na ? a.row(i) : Integer.MAX_VALUE;
      int rb = j < nb ? b.row(j) : Integer.MAX_VALUE;
      int o = n * dim;
      if (ra <= rb) {
        System.arraycopy(a.values, i * dim, values, o, dim);
        weights[n] = a.weights[i];
        i++;
      }
      if (rb <= ra) {
        for (int k = 0; k < dim; k++) {
          values[o + k] += b.values[j * dim + k];
        }
        weights[n] += b.weights[j];
        j++;
      }
      rows[n++] = Math.min(ra, rb);
    }
    return new RowBlock(a.matrix, a.block, Arrays.copyOf(rows, n), Arrays.copyOf(values, n * dim), Arrays.copyOf(weights, n), dim);
  }

  /**
   * Applies the summed piece to {@code target} (padded {@code V x stride}): each row moves by
   * {@code values / divisor}, the divisor being the row's summed weight ({@code perRow}) or
   * {@code total}.
   */
  void applyTo(float[] target, int stride, boolean perRow, float total) {
    for (int i = 0; i < weights.length; i++) {
      float d = perRow ? weights[i] : total;
      if (d <= 0) {
        continue; // no partition changed the row
      }
      float scale = 1f / d;
      int at = row(i) * stride;
      int o = i * dim;
      for (int k = 0; k < dim; k++) {
        target[at + k] += scale * values[o + k];
      }
    }
  }
}
