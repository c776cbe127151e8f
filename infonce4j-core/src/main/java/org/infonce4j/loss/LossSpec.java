package org.infonce4j.loss;

/**
 * What loss to compute: the similarity, the temperature and the reduction. Immutable, validated on
 * construction; pass a new spec (for example {@link #withTemperature}) when a learned temperature
 * changes, the loss keeps no state.
 *
 * @param similarity  cosine or dot; default {@link Similarity#COSINE}
 * @param temperature tau &gt; 0, finite; logits are similarity / tau; default 0.1
 * @param reduction   mean, sum or none; default {@link Reduction#MEAN}
 * @param symmetric   CLIP's two-way loss: the mean of the anchor-to-candidate and
 *                    candidate-to-anchor losses (needs as many anchors as candidates and no queue);
 *                    default false
 * @param diagnostics compute the per-batch diagnostics (similarities, entropy, hard-negative share)
 *                    in the backward pass; default true
 */
public record LossSpec(Similarity similarity, double temperature, Reduction reduction, boolean symmetric, boolean diagnostics) {

  /** The default temperature, 0.1. */
  public static final double DEFAULT_TEMPERATURE = 0.1;

  /**
   * Checks that the similarity and reduction are given and the temperature is finite and positive.
   *
   * @param similarity  cosine or dot
   * @param temperature tau, finite and positive
   * @param reduction   mean, sum or none
   * @param symmetric   whether the loss is CLIP's two-way loss
   * @param diagnostics whether to compute the diagnostics
   * @throws IllegalArgumentException when a check fails
   */
  public LossSpec {
    if (similarity == null) {
      throw new IllegalArgumentException("similarity is null");
    }
    if (reduction == null) {
      throw new IllegalArgumentException("reduction is null");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
    }
  }

  /**
   * Cosine similarity, temperature 0.1, mean, one-way, with diagnostics.
   *
   * @return the spec
   */
  public static LossSpec defaults() {
    return cosine(DEFAULT_TEMPERATURE);
  }

  /**
   * Cosine similarity at temperature {@code tau}, mean, one-way, with diagnostics.
   *
   * @param tau the temperature
   * @return the spec
   */
  public static LossSpec cosine(double tau) {
    return new LossSpec(Similarity.COSINE, tau, Reduction.MEAN, false, true);
  }

  /**
   * Dot-product similarity at temperature {@code tau}, mean, one-way, with diagnostics.
   *
   * @param tau the temperature
   * @return the spec
   */
  public static LossSpec dot(double tau) {
    return new LossSpec(Similarity.DOT, tau, Reduction.MEAN, false, true);
  }

  /**
   * This spec with another similarity.
   *
   * @param s the similarity
   * @return a new spec
   */
  public LossSpec withSimilarity(Similarity s) {
    return new LossSpec(s, temperature, reduction, symmetric, diagnostics);
  }

  /**
   * This spec with another temperature.
   *
   * @param tau the temperature, finite and positive
   * @return a new spec
   */
  public LossSpec withTemperature(double tau) {
    return new LossSpec(similarity, tau, reduction, symmetric, diagnostics);
  }

  /**
   * The temperature of a CLIP-style learned logit scale: {@code tau = 1 / exp(logScale)}, with the
   * scale clamped at 100 as CLIP does.
   *
   * @param logScale the learned log of the logit scale
   * @return a new spec
   */
  public LossSpec withLogitScale(double logScale) {
    return withTemperature(1.0 / Math.exp(Math.min(logScale, Math.log(100))));
  }

  /**
   * This spec with another reduction.
   *
   * @param r the reduction
   * @return a new spec
   */
  public LossSpec withReduction(Reduction r) {
    return new LossSpec(similarity, temperature, r, symmetric, diagnostics);
  }

  /**
   * This spec with the symmetric (two-way) loss on or off.
   *
   * @param on whether the loss is symmetric
   * @return a new spec
   */
  public LossSpec withSymmetric(boolean on) {
    return new LossSpec(similarity, temperature, reduction, on, diagnostics);
  }

  /**
   * This spec with the diagnostics on or off.
   *
   * @param on whether to compute the diagnostics
   * @return a new spec
   */
  public LossSpec withDiagnostics(boolean on) {
    return new LossSpec(similarity, temperature, reduction, symmetric, on);
  }
}
