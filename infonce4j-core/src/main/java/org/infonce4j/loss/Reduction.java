package org.infonce4j.loss;

/** How per-anchor losses become the reported loss, and what the gradients are gradients of. */
public enum Reduction {
  /** Mean over anchors (and, symmetric, the mean of the two directions' means). */
  MEAN,
  /** Sum over anchors (symmetric: half the sum of both directions' sums). */
  SUM,
  /**
   * Per-anchor losses are the result; the scalar loss and the gradients are those of {@link #SUM}
   * (weight the per-anchor losses yourself if you need another upstream gradient).
   */
  NONE
}
