package org.infonce4j.dpo;

import java.util.Locale;

/**
 * Preference-optimisation losses on sequence log-probabilities of a policy and a frozen reference.
 *
 * <p>Each of n prompts has {@code 1 + K} responses, the chosen one first, then K rejected ones, with
 * {@code log pi(y | x)} (policy) and {@code log pi_ref(y | x)} (reference) summed over the response's
 * tokens. The implicit reward of a response is {@code r = beta (log pi - log pi_ref)}.
 *
 * <ul>
 *   <li>{@link Objective#SIGMOID} (DPO, Rafailov et al. 2023): {@code -log sigmoid(r_w - r_l)}, for
 *       K above 1 averaged over the K (chosen, rejected) pairs.</li>
 *   <li>{@link Objective#IPO} (Azar et al. 2023): {@code (h - 1/(2 beta))^2} with
 *       {@code h = (log pi_w - log pi_ref_w) - (log pi_l - log pi_ref_l)}, averaged over pairs.</li>
 *   <li>{@link Objective#INFONCE}: the listwise form, {@code -log softmax(r)_chosen} over the 1 + K
 *       responses: InfoNCE with the implicit rewards as logits, the Plackett-Luce probability that the
 *       chosen response ranks first. With K = 1 it is exactly {@link Objective#SIGMOID}, since
 *       {@code -log sigmoid(r_w - r_l) = -log(e^r_w / (e^r_w + e^r_l))}.</li>
 * </ul>
 * Losses are means over prompts; gradients are with respect to the policy's log-probabilities (the
 * reference gets none).
 */
public final class PreferenceLoss {

  /** The objective. */
  public enum Objective {
    /**
     * DPO's logistic loss on the reward margin of each (chosen, rejected) pair.
     */
    SIGMOID,
    /**
     * IPO's squared loss pulling each pair's log-ratio margin towards {@code 1/(2 beta)}.
     */
    IPO,
    /**
     * The listwise soft-max loss over the chosen and all rejected responses.
     */
    INFONCE;

    /**
     * Parses "dpo"/"sigmoid", "ipo" or "infonce"/"listwise", any case.
     *
     * @param name the objective's name
     * @return the objective
     * @throws IllegalArgumentException when the name is none of these
     */
    public static Objective parse(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "dpo", "sigmoid" -> SIGMOID;
        case "ipo" -> IPO;
        case "infonce", "listwise", "nce" -> INFONCE;
        default -> throw new IllegalArgumentException("unknown preference objective '" + name + "' (expected dpo, ipo or infonce)");
      };
    }
  }

  /**
   * The loss of a batch and what to watch.
   *
   * @param loss           mean over prompts
   * @param policyGradient d loss / d log pi, n x (1 + K) row-major (chosen first)
   * @param rewards        implicit rewards beta (log pi - log pi_ref), n x (1 + K)
   * @param accuracy       share of prompts whose chosen response has a larger reward than every
   *                       rejected one
   * @param margin         mean over prompts of the chosen reward minus the mean rejected reward
   */
  public record Result(double loss, double[] policyGradient, double[] rewards, double accuracy, double margin) {
  }

  private PreferenceLoss() {
  }

  /**
   * The loss, its gradient and the reward statistics of a batch of n prompts.
   *
   * @param objective  which loss
   * @param beta       strength of the implicit KL penalty, e.g. 0.1; positive
   * @param policy     log pi of each response, n x (1 + K), chosen first in each row
   * @param reference  log pi_ref of the same responses, same layout
   * @param candidates 1 + K responses per prompt, at least 2
   * @return the loss, the gradient with respect to {@code policy}, and what to watch
   */
  public static Result compute(Objective objective, double beta, double[] policy, double[] reference, int candidates) {
    if (!(beta > 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta must be positive and finite, got " + beta);
    if (candidates < 2) throw new IllegalArgumentException("each prompt needs a chosen and at least one rejected response, got " + candidates + " candidates");
    if (policy.length != reference.length) {
      throw new IllegalArgumentException("policy has " + policy.length + " log-probabilities, reference " + reference.length);
    }
    if (policy.length == 0 || policy.length % candidates != 0) {
      throw new IllegalArgumentException(policy.length + " log-probabilities do not make whole rows of " + candidates + " candidates");
    }
    int n = policy.length / candidates;
    int k = candidates - 1;
    double[] ratio = new double[policy.length]; // log pi - log pi_ref: n x (1+K)
    double[] rewards = new double[policy.length]; // beta * ratio: n x (1+K)
    for (int t = 0; t < policy.length; t++) {
      if (!Double.isFinite(policy[t]) || !Double.isFinite(reference[t])) {
        throw new IllegalArgumentException("log-probability of prompt " + (t / candidates) + ", response " + (t % candidates)
            + " is not finite (policy " + policy[t] + ", reference " + reference[t] + ")");
      }
      ratio[t] = policy[t] - reference[t];
      rewards[t] = beta * ratio[t];
    }
    double[] grad = new double[policy.length]; // d loss / d log pi: n x (1+K)
    double loss = 0;
    int correct = 0;
    double margin = 0;
    for (int i = 0; i < n; i++) {
      int row = i * candidates;
      double chosen = rewards[row];
      double rejectedMean = 0;
      boolean best = true;
      for (int j = 1; j < candidates; j++) {
        rejectedMean += rewards[row + j];
        if (rewards[row + j] >= chosen) best = false;
      }
      rejectedMean /= k;
      if (best) correct++;
      margin += chosen - rejectedMean;
      switch (objective) {
        case SIGMOID -> {
          for (int j = 1; j < candidates; j++) {
            double h = chosen - rewards[row + j];
            loss += softplus(-h) / k; // -log sigmoid(h)
            double g = -sigmoid(-h) * beta / (k * (double) n); // d/d log pi_w of the mean loss
            grad[row] += g;
            grad[row + j] -= g;
          }
        }
        case IPO -> {
          double target = 1 / (2 * beta);
          for (int j = 1; j < candidates; j++) {
            double h = ratio[row] - ratio[row + j] - target;
            loss += h * h / k;
            double g = 2 * h / (k * (double) n);
            grad[row] += g;
            grad[row + j] -= g;
          }
        }
        case INFONCE -> {
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < candidates; j++) max = Math.max(max, rewards[row + j]);
          double z = 0;
          for (int j = 0; j < candidates; j++) z += Math.exp(rewards[row + j] - max);
          double lse = max + Math.log(z);
          loss += lse - chosen;
          for (int j = 0; j < candidates; j++) grad[row + j] = beta * Math.exp(rewards[row + j] - lse) / n;
          grad[row] -= beta / n;
        }
        default -> throw new AssertionError(objective);
      }
    }
    return new Result(loss / n, grad, rewards, correct / (double) n, margin / n);
  }

  /** log(1 + e^x) without overflow. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}
