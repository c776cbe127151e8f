package org.infonce4j.loss;

/** How an anchor and a candidate are compared before the temperature divides the score. */
public enum Similarity {
  /** {@code a . c / (|a| |c|)}, in [-1, 1]; zero vectors are rejected. */
  COSINE,
  /** {@code a . c}, unbounded; the caller normalises if it wants to. */
  DOT
}
