package org.infonce4j.loss;

/**
 * Per-batch readouts of what the loss is doing, all over the anchor-to-candidate direction.
 *
 * <p>The mutual-information readout: with {@code |V(i)|} valid candidates for anchor i (positives
 * and negatives), {@code log|V| - L} is van den Oord et al.'s lower bound on the mutual information
 * between an anchor and its positive; it can never exceed {@code log|V|} (the ceiling, the mean of
 * {@code log|V(i)|} over anchors, {@code log(K+1)} for K negatives and one positive). When the bound
 * comes within 5% of the ceiling it is saturated: more negatives, not more training, would be needed
 * to read a larger value. With several positives per anchor the same number is reported, but the
 * bound argument assumes one.
 *
 * @param miLowerBound            {@code ceiling - mean per-anchor loss}, in nats
 * @param miCeiling               mean of {@code log|V(i)|}, in nats
 * @param miSaturated             {@code miLowerBound >= 0.95 * miCeiling}
 * @param meanPositiveSimilarity  mean similarity (not divided by tau) over all positive pairs
 * @param meanNegativeSimilarity  mean similarity over all valid negative pairs (queue included)
 * @param negativeEntropy         mean over anchors of the entropy (nats) of the soft-max restricted
 *                                to the negatives; NaN when computed without the backward pass
 * @param maxNegativeEntropy      mean over anchors of {@code log(#negatives)}, the entropy of uniform
 *                                weights: how far below it {@link #negativeEntropy} is says how few
 *                                negatives the temperature lets matter
 * @param hardNegativeShare       mean over anchors of the share of the negatives' gradient weight
 *                                carried by the hardest {@code hardNegativeFraction} of them (the
 *                                most similar); uniform weights would give the fraction itself.
 *                                Averaged over every anchor of batches up to
 *                                {@link #HARD_SAMPLE} anchors, and over every s-th anchor of larger
 *                                ones, s = ceil(N / 256), so at most 256 of them (the per-anchor
 *                                selection is the costly part)
 * @param hardNegativeFraction    the fraction of negatives counted as hardest, 0.05
 */
public record Diagnostics(
    double miLowerBound,
    double miCeiling,
    boolean miSaturated,
    double meanPositiveSimilarity,
    double meanNegativeSimilarity,
    double negativeEntropy,
    double maxNegativeEntropy,
    double hardNegativeShare,
    double hardNegativeFraction) {

  /** The fraction of negatives that {@link #hardNegativeShare} counts as the hardest. */
  public static final double HARD_FRACTION = 0.05;

  /** The saturation threshold: the bound is saturated from this share of its ceiling up. */
  public static final double SATURATION = 0.95;

  /** At most this many anchors per batch enter {@link #hardNegativeShare}. */
  public static final int HARD_SAMPLE = 256;

  /**
   * Does anchor {@code i} of {@code n} enter {@link #hardNegativeShare}? Every s-th, s = ceil(n / 256).
   *
   * @param i the anchor's index
   * @param n the number of anchors
   * @return whether the anchor is sampled
   */
  public static boolean inHardSample(int i, int n) {
    int stride = (n + HARD_SAMPLE - 1) / HARD_SAMPLE;
    return i % stride == 0;
  }

  /**
   * How many anchors of {@code n} enter {@link #hardNegativeShare}.
   *
   * @param n the number of anchors
   * @return the number sampled, at most {@link #HARD_SAMPLE}
   */
  public static int hardSampleSize(int n) {
    int stride = (n + HARD_SAMPLE - 1) / HARD_SAMPLE;
    return (n + stride - 1) / stride;
  }

  /**
   * How many of {@code negatives} negatives are "the hardest 5%" (at least one).
   *
   * @param negatives the number of negatives of an anchor
   * @return {@code max(1, ceil(0.05 * negatives))}
   */
  public static int hardCount(int negatives) {
    return Math.max(1, (int) Math.ceil(HARD_FRACTION * negatives - 1e-9));
  }
}
