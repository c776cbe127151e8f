package org.infonce4j.spark;

import java.util.Locale;

/**
 * How a distributed run is cut into rounds and how the partitions' work is combined, validated on
 * construction. The word2vec settings themselves are infonce4j-word2vec's {@link org.infonce4j.word2vec.Word2VecConfig};
 * there {@code threads()} is the number of hogwild workers inside each Spark task and
 * {@code alpha()} the learning rate of the whole run, as for one process.
 *
 * @param roundsPerEpoch synchronisations per epoch, at least 1 (default 32): each partition's
 *                       sentences are cut into this many contiguous sub-shards, and every round each
 *                       partition trains one sub-shard from the freshly combined weights. More
 *                       rounds keep the partitions' copies closer together at the cost of one
 *                       broadcast and one reduction per round.
 * @param partitions     training partitions (Spark tasks per round); 0 (default) takes Spark's
 *                       default parallelism. The input is repartitioned when its partition count
 *                       differs.
 * @param combine        how the partitions' updates become the next weights (default
 *                       {@link Combine#AVERAGE})
 * @param rateScale      each partition trains at {@code alpha x rateScale}; 0 (default) picks it:
 *                       the number of partitions for the averaging combines, 1 for {@link Combine#SUM}
 */
public record DistributedConfig(int roundsPerEpoch, int partitions, Combine combine, double rateScale) {

  /** The default of {@link #roundsPerEpoch()}. */
  public static final int DEFAULT_ROUNDS_PER_EPOCH = 32;

  /** The default of {@link #combine()}, as {@link Combine#parse} reads it. */
  public static final String DEFAULT_COMBINE = "average";

  /** Rows of a matrix per piece of a partition's update. */
  static final int BLOCK_ROWS = 4096;

  /** How the driver turns the partitions' updates of one round into the next weights. */
  public enum Combine {
    /**
     * Parameter averaging: every row becomes the mean of the partitions' copies, weighted by the
     * words each partition trained (a partition that did not change a row counts with its old
     * value).
     */
    AVERAGE,
    /**
     * A row moves by the mean of the changes of the partitions that changed it, weighted by the
     * words they trained: a word only one partition saw keeps that partition's whole change
     * instead of a 1/P share of it. With the partitions training at P times the rate (the
     * default {@code rateScale}), a row that changes little per round (a rare word) moves by about
     * the sum of the partitions' changes, as in one process, while a row that settles within a
     * round (a frequent word) moves to about where each partition settled it, not P times as far.
     */
    TOUCHED_AVERAGE,
    /**
     * Every partition's change is added (hogwild across machines, one round stale). Frequent
     * words then move up to P times too far each round; needs many rounds.
     */
    SUM;

    /**
     * Parses "average" / "touched-average" / "sum" (any case, '-' or '_').
     *
     * @param s the name
     * @return the combine
     * @throws IllegalArgumentException for any other name
     */
    public static Combine parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "average" -> AVERAGE;
        case "touched_average", "touched" -> TOUCHED_AVERAGE;
        case "sum" -> SUM;
        default -> throw new IllegalArgumentException("combine must be average, touched-average or sum, got '" + s + "'");
      };
    }

    /**
     * The name {@link #parse} reads.
     *
     * @return the lower-case name with '-'
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Checks the settings: at least one round per epoch, no negative partition count, a combine, and
   * a rate scale that is 0 or a finite positive number.
   *
   * @param roundsPerEpoch synchronisations per epoch
   * @param partitions     training partitions, 0 for Spark's default parallelism
   * @param combine        how the partitions' updates are combined
   * @param rateScale      the factor on the learning rate, 0 for automatic
   * @throws IllegalArgumentException when a check fails
   */
  public DistributedConfig {
    if (roundsPerEpoch < 1) {
      throw new IllegalArgumentException("rounds per epoch must be at least 1, got " + roundsPerEpoch);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be 0 (Spark's default parallelism) or positive, got " + partitions);
    }
    if (combine == null) {
      throw new IllegalArgumentException("combine must be given");
    }
    if (!(rateScale >= 0) || Double.isInfinite(rateScale)) {
      throw new IllegalArgumentException("the rate scale must be 0 (automatic) or a positive number, got " + rateScale);
    }
  }

  /**
   * 32 rounds per epoch, Spark's default parallelism, {@link Combine#AVERAGE}, automatic rate scale.
   *
   * @return the default settings
   */
  public static DistributedConfig defaults() {
    return new DistributedConfig(DEFAULT_ROUNDS_PER_EPOCH, 0, Combine.parse(DEFAULT_COMBINE), 0);
  }

  /**
   * The factor on the learning rate for {@code partitions} partitions.
   *
   * @param partitions the number of partitions of the run
   * @return {@code rateScale()} when set, else 1 for {@link Combine#SUM} and {@code partitions} otherwise
   */
  public double rateScaleFor(int partitions) {
    if (rateScale > 0) {
      return rateScale;
    }
    return combine == Combine.SUM ? 1 : partitions;
  }

  /**
   * These settings with another number of rounds per epoch.
   *
   * @param v rounds per epoch, at least 1
   * @return new settings
   */
  public DistributedConfig withRoundsPerEpoch(int v) {
    return new DistributedConfig(v, partitions, combine, rateScale);
  }

  /**
   * These settings with another number of partitions.
   *
   * @param v partitions, 0 for Spark's default parallelism
   * @return new settings
   */
  public DistributedConfig withPartitions(int v) {
    return new DistributedConfig(roundsPerEpoch, v, combine, rateScale);
  }

  /**
   * These settings with another combine.
   *
   * @param v the combine
   * @return new settings
   */
  public DistributedConfig withCombine(Combine v) {
    return new DistributedConfig(roundsPerEpoch, partitions, v, rateScale);
  }

  /**
   * These settings with another rate scale.
   *
   * @param v the rate scale, 0 for automatic
   * @return new settings
   */
  public DistributedConfig withRateScale(double v) {
    return new DistributedConfig(roundsPerEpoch, partitions, combine, v);
  }
}
