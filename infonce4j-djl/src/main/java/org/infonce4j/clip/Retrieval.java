package org.infonce4j.clip;

import java.util.function.BiPredicate;

/**
 * Retrieval recall@k over a pool, with the two numbers that make it readable: chance (k / pool) and
 * the ceiling, the best any model can reach when some candidates are indistinguishable from the right
 * one by the query (two scenes the caption describes equally well). With {@code s} candidates the
 * query cannot tell apart, the best expected recall@k is {@code min(1, k / s)}. Candidates with
 * exactly the right one's similarity (identical captions) are ties, broken at random: recall counts
 * the chance that the right one lands in the top k.
 */
public final class Retrieval {

  /**
   * Recall@k for each k, with chance and the ceiling at the same k.
   *
   * @param ks      the cut-offs
   * @param recall  recall@k for each cut-off, the mean over the queries
   * @param chance  {@code min(1, k / candidates)} for each cut-off
   * @param ceiling the best expected recall@k for each cut-off
   */
  public record Recall(int[] ks, double[] recall, double[] chance, double[] ceiling) {
  }

  private Retrieval() {
  }

  /**
   * Recall@k of each query's own candidate among all candidates, ranked by similarity.
   *
   * @param sim      queries x candidates similarities, row-major
   * @param queries  rows
   * @param candidates columns
   * @param target   each query's own candidate
   * @param ks       the cut-offs
   * @param matches  whether query q describes candidate c as well as its own (for the ceiling; the
   *                 own candidate always matches)
   * @return recall, chance and ceiling at each cut-off
   * @throws IllegalArgumentException when the sizes do not match or a target is outside the
   *     candidates
   */
  public static Recall recall(float[] sim, int queries, int candidates, int[] target, int[] ks, BiPredicate<Integer, Integer> matches) {
    if (sim.length != (long) queries * candidates) {
      throw new IllegalArgumentException("similarities hold " + sim.length + " values, expected " + queries + " x " + candidates);
    }
    if (target.length != queries) throw new IllegalArgumentException("one target per query expected, got " + target.length + " for " + queries);
    double[] hits = new double[ks.length];
    double[] best = new double[ks.length];
    for (int q = 0; q < queries; q++) {
      int own = target[q];
      if (own < 0 || own >= candidates) throw new IllegalArgumentException("query " + q + ": target " + own + " outside 0.." + (candidates - 1));
      float s = sim[q * candidates + own];
      int better = 0;
      int tied = 0; // identical captions embed identically: a tie is broken at random, not in the model's favour
      int alike = 0;
      for (int c = 0; c < candidates; c++) {
        if (c == own) continue;
        float x = sim[q * candidates + c];
        if (x > s) better++;
        else if (x == s) tied++;
        if (matches.test(q, c)) alike++;
      }
      for (int i = 0; i < ks.length; i++) {
        hits[i] += Math.max(0, Math.min(1, (ks[i] - better) / (double) (tied + 1))); // P(rank < k) with ties in random order
        best[i] += Math.min(1.0, ks[i] / (double) (alike + 1));
      }
    }
    double[] recall = new double[ks.length];
    double[] chance = new double[ks.length];
    double[] ceiling = new double[ks.length];
    for (int i = 0; i < ks.length; i++) {
      recall[i] = hits[i] / queries;
      chance[i] = Math.min(1.0, ks[i] / (double) candidates);
      ceiling[i] = best[i] / queries;
    }
    return new Recall(ks.clone(), recall, chance, ceiling);
  }
}
