package org.infonce4j.loss;

import org.infonce4j.Matrix;

/**
 * The loss, per-anchor losses, gradients and diagnostics of one evaluation.
 *
 * @param loss            the reduced loss (for {@link Reduction#NONE}: the sum, the quantity the
 *                        gradients belong to)
 * @param perAnchor       the loss of each anchor ({@code N}; {@code 2N} views for SimCLR)
 * @param perCandidate    symmetric losses only: the loss of each candidate over the anchors
 *                        ({@code M}); otherwise {@code null}
 * @param anchorGrad      dL/dA ({@code N x d}; SimCLR: dL/d(views), both roles summed);
 *                        {@code null} from a forward-only call
 * @param candidateGrad   dL/dC ({@code M x d}); {@code null} for SimCLR and forward-only calls. The
 *                        queue gets no gradient.
 * @param temperatureGrad dL/dtau; NaN from a forward-only call
 * @param temperature     the temperature used
 * @param diagnostics     the readouts; {@code negativeEntropy} and {@code hardNegativeShare} are
 *                        NaN when {@link LossSpec#diagnostics()} is off, and they and
 *                        {@code maxNegativeEntropy} are NaN from a forward-only call
 */
public record LossResult(
    double loss,
    double[] perAnchor,
    double[] perCandidate,
    Matrix anchorGrad,
    Matrix candidateGrad,
    double temperatureGrad,
    double temperature,
    Diagnostics diagnostics) {

  /**
   * dL/d(log s) for a CLIP-style learned logit scale {@code s = 1/tau}: {@code -tau * dL/dtau}.
   *
   * @return the gradient with respect to the log of the logit scale
   */
  public double logitScaleGrad() {
    return -temperature * temperatureGrad;
  }

  /**
   * True when gradients were computed.
   *
   * @return false for a forward-only result
   */
  public boolean hasGradients() {
    return anchorGrad != null;
  }
}
