package org.infonce4j.text;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Tokenised texts padded to the longest of them: the encoder's three inputs as row-major {@code rows x length} arrays.
 *
 * @param rows          texts
 * @param length        tokens per row (the longest text's)
 * @param ids           token ids, 0 on padding
 * @param typeIds       token type ids (0 for single texts)
 * @param attentionMask 1 on real tokens, 0 on padding
 */
public record TokenBatch(int rows, int length, long[] ids, long[] typeIds, long[] attentionMask) {

  /**
   * Checks the sizes.
   *
   * @param rows          texts
   * @param length        tokens per row
   * @param ids           token ids
   * @param typeIds       token type ids
   * @param attentionMask 1 on real tokens, 0 on padding
   * @throws IllegalArgumentException when an array is not {@code rows x length}
   */
  public TokenBatch {
    long n = (long) rows * length;
    if (ids.length != n || typeIds.length != n || attentionMask.length != n) {
      throw new IllegalArgumentException("token arrays must hold " + rows + " x " + length + " values");
    }
  }

  /**
   * Pads id sequences to the longest.
   *
   * @param sequences token ids per text (from {@link TextTokenizer#ids})
   * @return the batch
   */
  public static TokenBatch of(long[]... sequences) {
    int length = 1;
    for (long[] s : sequences) length = Math.max(length, s.length);
    int rows = sequences.length;
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(sequences[r], 0, ids, r * length, sequences[r].length);
      Arrays.fill(mask, r * length, r * length + sequences[r].length, 1L);
    }
    return new TokenBatch(rows, length, ids, new long[rows * length], mask);
  }

  /**
   * The real tokens of one row.
   *
   * @param row the row
   * @return its unpadded length
   */
  public int tokens(int row) {
    int n = 0;
    for (int i = row * length; i < (row + 1) * length; i++) n += (int) attentionMask[i];
    return n;
  }

  /**
   * The three inputs as int64 arrays of {@code manager}: ids, type ids, mask.
   *
   * @param manager where the arrays live
   * @return the encoder's input list
   */
  public NDList toNDList(NDManager manager) {
    Shape shape = new Shape(rows, length);
    return new NDList(manager.create(ids, shape), manager.create(typeIds, shape), manager.create(attentionMask, shape));
  }
}
