package org.infonce4j.djl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infonce4j.dpo.PreferenceLoss;
import org.infonce4j.dpo.SortingTask;

/**
 * The settings of a preference-training run ({@link PreferenceTraining}), as stored in its
 * {@code config.json}.
 *
 * @param length     digits per prompt, 6
 * @param hidden     GRU state size, 128
 * @param sftSteps   fine-tuning steps, 60 (kept short: the reference answers about a fifth of the prompts right,
 *                   leaving room to prefer)
 * @param sftBatch   prompts per fine-tuning step, 64
 * @param sftLr      Adam's learning rate for fine-tuning, 3e-3
 * @param prompts    training prompts answered by the reference for preference data, 8192
 * @param samples    answers sampled per prompt, 8
 * @param rejected   the K values to train, each from the reference, e.g. [1, 4]
 * @param objective  the preference loss, listwise InfoNCE by default
 * @param beta       strength of the implicit KL penalty, 0.5
 * @param nll        weight of the chosen answers' negative log-likelihood per token added to the preference
 *                   loss (RPO, Pang et al. 2024); 0 is the preference loss alone
 * @param dpoSteps   preference steps per K, 2000
 * @param dpoBatch   prompts per preference step, 64
 * @param dpoLr      Adam's learning rate for preference training, 1e-3 (constant: a cosine decay to 0 ended lower)
 * @param heldOut    held-out prompts for evaluation, 1000
 * @param evalEvery  steps between evaluations (and checkpoints), 50
 * @param seed       seed of everything
 * @param threads    PyTorch threads; 1 for bit-reproducible runs
 */
public record PreferenceConfig(int length, int hidden, int sftSteps, int sftBatch, double sftLr, int prompts, int samples, List<Integer> rejected,
    PreferenceLoss.Objective objective, double beta, double nll, int dpoSteps, int dpoBatch, double dpoLr, int heldOut, int evalEvery, long seed,
    int threads) {

  /**
   * Checks the settings.
   *
   * @param length    digits per prompt, 1 to 18
   * @param hidden    GRU state size, at least 1
   * @param sftSteps  fine-tuning steps, at least 0
   * @param sftBatch  prompts per fine-tuning step, at least 1
   * @param sftLr     fine-tuning learning rate, positive
   * @param prompts   training prompts for preference data, at least 1
   * @param samples   answers sampled per prompt, above every K
   * @param rejected  the K values, each in [1, samples - 1]; not empty
   * @param objective the preference loss
   * @param beta      strength of the implicit KL penalty, positive
   * @param nll       weight of the chosen answers' negative log-likelihood, at least 0
   * @param dpoSteps  preference steps per K, at least 1
   * @param dpoBatch  prompts per preference step, at least 1
   * @param dpoLr     preference learning rate, positive
   * @param heldOut   held-out prompts, at least 1
   * @param evalEvery steps between evaluations, at least 1
   * @param seed      seed of everything
   * @param threads   PyTorch threads, at least 1
   * @throws IllegalArgumentException when a value is out of range
   */
  public PreferenceConfig {
    rejected = List.copyOf(rejected);
    new SortingTask(length);
    if (hidden < 1 || sftSteps < 0 || sftBatch < 1 || prompts < 1 || dpoSteps < 1 || dpoBatch < 1 || heldOut < 1 || evalEvery < 1
        || threads < 1) {
      throw new IllegalArgumentException("sizes and step counts must be positive: " + this);
    }
    if (rejected.isEmpty()) throw new IllegalArgumentException("no K (rejected answers per prompt) given");
    for (int k : rejected) {
      if (k < 1 || k >= samples) throw new IllegalArgumentException("K must be in [1, samples - 1 = " + (samples - 1) + "], got " + k);
    }
    if (!(nll >= 0)) throw new IllegalArgumentException("the NLL weight must be >= 0, got " + nll);
    if (!(beta > 0) || !(sftLr > 0) || !(dpoLr > 0)) throw new IllegalArgumentException("beta and learning rates must be positive");
  }

  /**
   * The defaults listed with the components: K 1 and 4, the InfoNCE objective, no NLL term, seed 1,
   * one thread.
   *
   * @return the default settings
   */
  public static PreferenceConfig defaults() {
    return new PreferenceConfig(6, 128, 60, 64, 3e-3, 8192, 8, List.of(1, 4), PreferenceLoss.Objective.INFONCE, 0.5, 0.0, 2000, 64, 1e-3, 1000, 50, 1, 1);
  }

  /**
   * The same settings with other K values.
   *
   * @param k the K values, each in [1, samples - 1]
   * @return the new settings
   * @throws IllegalArgumentException when {@code k} is empty or a value is out of range
   */
  public PreferenceConfig withRejected(List<Integer> k) {
    return new PreferenceConfig(length, hidden, sftSteps, sftBatch, sftLr, prompts, samples, k, objective, beta, nll, dpoSteps, dpoBatch, dpoLr, heldOut,
        evalEvery, seed, threads);
  }

  /**
   * The settings as stored in the run's {@code config.json}, with {@code "recipe": "dpo"} and the task
   * ("sort 6 digits").
   *
   * @return the settings by name (snake case), in a fixed order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipe", "dpo");
    m.put("task", "sort " + length + " digits");
    m.put("length", length);
    m.put("hidden", hidden);
    m.put("sft_steps", sftSteps);
    m.put("sft_batch", sftBatch);
    m.put("sft_lr", sftLr);
    m.put("prompts", prompts);
    m.put("samples", samples);
    m.put("rejected", rejected);
    m.put("objective", objective.name().toLowerCase(Locale.ROOT));
    m.put("beta", beta);
    m.put("nll", nll);
    m.put("dpo_steps", dpoSteps);
    m.put("dpo_batch", dpoBatch);
    m.put("dpo_lr", dpoLr);
    m.put("held_out", heldOut);
    m.put("eval_every", evalEvery);
    m.put("seed", seed);
    m.put("threads", threads);
    return m;
  }
}
