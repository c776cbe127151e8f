package org.infonce4j.djl;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.infonce4j.dpo.SortingTask;
import org.infonce4j.djl.train.Training;

/**
 * The preference data of a run: the reference answers each training prompt {@code samples} times,
 * the judge scores the answers, and each kept prompt gets a best-scored chosen answer and K rejected
 * ones drawn from the strictly worse (sequences of the largest K: chosen first, then K rejected, per
 * prompt), with the reference's log-probabilities of each.
 */
record PreferenceData(int prompts, int candidates, int[] seqs, double[] referenceLogp) {

  static PreferenceData draw(PreferenceConfig c, SortingTask task, CausalLm reference, Set<Long> heldOutKeys, Training.Listener<?> listener) {
    int t = task.sequenceLength();
    int from = task.answerStart();
    int kMax = c.rejected().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int cand = 1 + kMax;
    SplittableRandom random = new SplittableRandom(c.seed() + 1);
    int[][] prompts = task.prompts(c.prompts(), random, heldOutKeys);
    int s = c.samples();
    int[] drafts = new int[c.prompts() * s * t];
    for (int i = 0; i < c.prompts(); i++) {
      for (int j = 0; j < s; j++) task.sequence(prompts[i], new int[c.length()], drafts, (i * s + j) * t);
    }
    int total = c.prompts() * s;
    int chunk = 4096;
    for (int r0 = 0; r0 < total; r0 += chunk) { // in chunks, for the progress line
      int rows = Math.min(chunk, total - r0);
      int[] part = java.util.Arrays.copyOfRange(drafts, r0 * t, (r0 + rows) * t);
      reference.sample(part, rows, t, from, 1.0, random);
      System.arraycopy(part, 0, drafts, r0 * t, rows * t);
      if (listener != null) listener.phase("sampling answers", r0 + rows, total);
    }
    List<int[]> kept = new ArrayList<>();
    for (int i = 0; i < c.prompts(); i++) {
      int[] scores = new int[s];
      int best = 0;
      for (int j = 0; j < s; j++) {
        scores[j] = task.score(prompts[i], answer(drafts, i * s + j, from, c.length(), t));
        if (scores[j] > scores[best]) best = j;
      }
      List<Integer> worse = new ArrayList<>();
      for (int j = 0; j < s; j++) if (scores[j] < scores[best]) worse.add(j);
      if (worse.isEmpty()) continue;
      int[] rows = new int[cand];
      rows[0] = i * s + best;
      for (int k = 1; k < cand; k++) rows[k] = i * s + worse.get(random.nextInt(worse.size()));
      kept.add(rows);
    }
    int n = kept.size();
    if (n < c.dpoBatch()) {
      throw new IllegalStateException("only " + n + " of " + c.prompts() + " prompts had a worse answer among " + s
          + " samples: the reference is already (nearly) perfect; fine-tune for fewer steps");
    }
    int[] seqs = new int[n * cand * t];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < cand; k++) System.arraycopy(drafts, kept.get(i)[k] * t, seqs, (i * cand + k) * t, t);
    }
    double[] refLogp = new double[n * cand];
    for (int r0 = 0; r0 < n * cand; r0 += chunk) {
      int rows = Math.min(chunk, n * cand - r0);
      int[] part = new int[rows * t];
      System.arraycopy(seqs, r0 * t, part, 0, rows * t);
      try (NDManager m = reference.manager().newSubManager()) {
        float[] lp = reference.sequenceLogProbs(m, part, rows, t, from, false).toFloatArray();
        for (int q = 0; q < rows; q++) refLogp[r0 + q] = lp[q];
      }
    }
    return new PreferenceData(n, cand, seqs, refLogp);
  }

  private static int[] answer(int[] seqs, int i, int from, int length, int t) {
    int[] a = new int[length];
    System.arraycopy(seqs, i * t + from, a, 0, length);
    return a;
  }
}
