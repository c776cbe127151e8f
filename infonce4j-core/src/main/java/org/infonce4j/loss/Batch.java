package org.infonce4j.loss;

import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;

/**
 * The inputs of one loss evaluation: anchors, candidates and what is positive or excluded.
 * Immutable; the {@code with...} methods return a new batch sharing the (not copied) arrays.
 *
 * <ul>
 *   <li>{@link #of(Matrix, Matrix)}: anchors A ({@code N x d}) against candidates C
 *       ({@code M x d}); the positive of anchor i is candidate i unless
 *       {@link #withPositives(int[])} or {@link #withPositiveMask(BitMatrix)} says otherwise.</li>
 *   <li>{@link #simclr(Matrix)}: the SimCLR layout, {@code 2N} views; the positive of view i is view
 *       {@code (i + N) mod 2N}, a view is never its own candidate, so each view has {@code 2N - 2}
 *       negatives. Gradients are reported for the views as one matrix.</li>
 *   <li>{@link #withQueue(Matrix)}: extra negatives for every anchor (MoCo's queue,
 *       {@code K x d}); they get no gradient.</li>
 *   <li>{@link #withExcluded(BitMatrix)}: an {@code N x M} mask, true where candidate j must not
 *       count for anchor i (a false negative); never on a positive.</li>
 * </ul>
 */
public final class Batch {
  private final Matrix anchors;
  private final Matrix candidates; // null in the SimCLR layout
  private final Matrix queue;
  private final int[] positives;
  private final BitMatrix positiveMask;
  private final BitMatrix excluded;

  private Batch(Matrix anchors, Matrix candidates, Matrix queue, int[] positives, BitMatrix positiveMask, BitMatrix excluded) {
    if (anchors == null) {
      throw new IllegalArgumentException("anchors are null");
    }
    this.anchors = anchors;
    this.candidates = candidates;
    this.queue = queue;
    this.positives = positives;
    this.positiveMask = positiveMask;
    this.excluded = excluded;
  }

  /**
   * Anchors ({@code N x d}) against candidates ({@code M x d}); by default anchor i's positive is candidate i.
   *
   * @param anchors the anchors, one per row
   * @param candidates the candidates, one per row, same width
   * @return the batch
   */
  public static Batch of(Matrix anchors, Matrix candidates) {
    if (candidates == null) {
      throw new IllegalArgumentException("candidates are null (use Batch.simclr for the SimCLR layout)");
    }
    return new Batch(anchors, candidates, null, null, null, null);
  }

  /**
   * The SimCLR layout: {@code 2N} views, view i paired with view {@code (i + N) mod 2N}.
   *
   * @param views the {@code 2N} views, the first view of each example in rows 0..N-1, the second in N..2N-1
   * @return the batch
   */
  public static Batch simclr(Matrix views) {
    return new Batch(views, null, null, null, null, null);
  }

  /**
   * Extra negatives shared by every anchor ({@code K x d}), without gradient.
   *
   * @param queue the extra negatives, one per row
   * @return a new batch with the queue
   */
  public Batch withQueue(Matrix queue) {
    return new Batch(anchors, candidates, queue, positives, positiveMask, excluded);
  }

  /**
   * One positive candidate index per anchor (length N, values in [0, M)).
   *
   * @param positives the index of each anchor's positive candidate
   * @return a new batch with these positives (replacing a positive mask)
   */
  public Batch withPositives(int[] positives) {
    if (isSimclr()) {
      throw new IllegalArgumentException("the SimCLR layout fixes the positives; do not give positives");
    }
    return new Batch(anchors, candidates, queue, positives, null, excluded);
  }

  /**
   * Several positives per anchor (SupCon): an {@code N x M} mask, at least one true per row.
   *
   * @param positiveMask true where candidate j is a positive of anchor i
   * @return a new batch with this mask (replacing positive indices)
   */
  public Batch withPositiveMask(BitMatrix positiveMask) {
    if (isSimclr()) {
      throw new IllegalArgumentException("the SimCLR layout fixes the positives; do not give a positive mask");
    }
    return new Batch(anchors, candidates, queue, null, positiveMask, excluded);
  }

  /**
   * Candidates excluded per anchor (false negatives): an {@code N x M} mask, true = excluded.
   *
   * @param excluded true where candidate j does not count for anchor i
   * @return a new batch with this mask
   */
  public Batch withExcluded(BitMatrix excluded) {
    return new Batch(anchors, candidates, queue, positives, positiveMask, excluded);
  }

  /**
   * The anchors, or the views in the SimCLR layout.
   *
   * @return the anchors
   */
  public Matrix anchors() {
    return anchors;
  }

  /**
   * The candidates, or {@code null} in the SimCLR layout (the views are both).
   *
   * @return the candidates
   */
  public Matrix candidates() {
    return candidates;
  }

  /**
   * The queue of extra negatives, or {@code null}.
   *
   * @return the queue
   */
  public Matrix queue() {
    return queue;
  }

  /**
   * Explicit positive indices, or {@code null}.
   *
   * @return the positive indices (not copied)
   */
  public int[] positives() {
    return positives;
  }

  /**
   * The positive mask, or {@code null}.
   *
   * @return the mask
   */
  public BitMatrix positiveMask() {
    return positiveMask;
  }

  /**
   * The excluded mask, or {@code null}.
   *
   * @return the mask
   */
  public BitMatrix excluded() {
    return excluded;
  }

  /**
   * Whether this batch is in the SimCLR layout ({@link #simclr(Matrix)}).
   *
   * @return true when the views are both anchors and candidates
   */
  public boolean isSimclr() {
    return candidates == null;
  }
}
