package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.infonce4j.dpo.PreferenceLoss;
import org.infonce4j.dpo.SortingTask;
import org.infonce4j.io.Json;
import org.infonce4j.io.JsonReader;
import org.infonce4j.run.RunDirectory;

/**
 * DPO end to end on a synthetic task with a programmatic judge ({@link SortingTask}: sort L digits).
 *
 * <ol>
 *   <li>Supervised fine-tuning: a small causal language model ({@link CausalLm}) learns from right
 *       answers for a short budget; it becomes the frozen reference.</li>
 *   <li>Preference data: the reference answers each training prompt {@code samples} times
 *       (temperature 1); the judge scores the answers; the chosen answer is a best-scored one, the K
 *       rejected ones are drawn from the strictly worse ones (prompts without a worse answer are
 *       dropped). The K = 1 data are the first rejected answers of the largest K, so every K sees the
 *       same prompts.</li>
 *   <li>Preference optimisation, once per K, from the reference: the policy's sequence
 *       log-probabilities go through the core's {@link PreferenceLoss} (listwise InfoNCE by default:
 *       for K = 1 it is DPO exactly), whose gradient enters autograd as
 *       {@code sum(log pi * stopgrad(dL/dlog pi))}.</li>
 *   <li>Every {@code evalEvery} steps on held-out prompts (never seen in training): the judge's win
 *       rate of a policy sample against a reference sample (ties count half), the policy's mean score
 *       and exact-answer rate, and the KL divergence to the reference estimated on the policy's
 *       samples, {@code mean(log pi(y) - log pi_ref(y))}.</li>
 * </ol>
 * All randomness derives from the seed (PyTorch's initialisation, Java's generators for prompts,
 * batches and sampling); a checkpoint is written after fine-tuning and after every evaluation, and a
 * resumed run continues where it stopped. On one thread, the same seed gives the same numbers.
 */
public final class PreferenceTraining {

  /**
   * Settings.
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
  public record Config(int length, int hidden, int sftSteps, int sftBatch, double sftLr, int prompts, int samples, List<Integer> rejected,
      PreferenceLoss.Objective objective, double beta, double nll, int dpoSteps, int dpoBatch, double dpoLr, int heldOut, int evalEvery, long seed,
      int threads) {

    public Config {
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

    public static Config defaults() {
      return new Config(6, 128, 60, 64, 3e-3, 8192, 8, List.of(1, 4), PreferenceLoss.Objective.INFONCE, 0.5, 0.0, 2000, 64, 1e-3, 1000, 50, 1, 1);
    }

    public Config withRejected(List<Integer> k) {
      return new Config(length, hidden, sftSteps, sftBatch, sftLr, prompts, samples, k, objective, beta, nll, dpoSteps, dpoBatch, dpoLr, heldOut,
          evalEvery, seed, threads);
    }

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

  /**
   * One evaluation of a policy on the held-out prompts, with the training readouts averaged over the
   * steps since the previous one (NaN at step 0).
   */
  public record Point(int step, double loss, double accuracy, double margin, double kl, double winRate, int wins, int ties, int losses,
      double meanScore, double exactRate) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", step);
      m.put("loss", loss);
      m.put("preference_accuracy", accuracy);
      m.put("reward_margin", margin);
      m.put("kl_to_reference", kl);
      m.put("win_rate", winRate);
      m.put("wins", wins);
      m.put("ties", ties);
      m.put("losses", losses);
      m.put("mean_score", meanScore);
      m.put("exact_rate", exactRate);
      return m;
    }

    static Point fromMap(Map<?, ?> m) {
      return new Point(((Number) m.get("step")).intValue(), num(m.get("loss")), num(m.get("preference_accuracy")), num(m.get("reward_margin")),
          num(m.get("kl_to_reference")), num(m.get("win_rate")), ((Number) m.get("wins")).intValue(), ((Number) m.get("ties")).intValue(),
          ((Number) m.get("losses")).intValue(), num(m.get("mean_score")), num(m.get("exact_rate")));
    }
  }

  /**
   * The preference run for one K: the evaluations, and every step's training loss, preference
   * accuracy and reward margin on its batch (NaN for steps not yet run).
   */
  public record Run(int rejected, List<Point> points, double[] stepLoss, double[] stepAccuracy, double[] stepMargin) {
    Run(int rejected, List<Point> points, int steps) {
      this(rejected, points, nans(steps), nans(steps), nans(steps));
    }

    private static double[] nans(int n) {
      double[] v = new double[n];
      java.util.Arrays.fill(v, Double.NaN);
      return v;
    }

    public Point last() {
      return points.get(points.size() - 1);
    }
  }

  /**
   * What a run measured.
   *
   * @param sftLoss        fine-tuning loss per step (mean negative log-likelihood per answer token)
   * @param referenceScore the reference's mean judge score on held-out prompts (sampled at temperature 1)
   * @param referenceExact share of the reference's held-out answers that are right
   * @param pairs          prompts kept for preference data (with a strictly worse answer)
   * @param runs           one per K
   */
  public record Result(Config config, double[] sftLoss, double referenceScore, double referenceExact, int pairs, List<Run> runs) {}

  /** Called after every step of either phase. */
  @FunctionalInterface
  public interface Progress {
    /** @param phase "sft", "sampling answers" or "dpo K=4" */
    void step(String phase, long step, long steps, double loss);
  }

  private static final int MAGIC = 0x1CE4_D900;

  private PreferenceTraining() {}

  public static Result run(Config c, RunDirectory run, Progress progress) {
    DjlEnvironment.start(c.threads());
    return new Session(c, run, progress).run();
  }

  private static final class Session {
    final Config c;
    final RunDirectory dir;
    final Progress progress;
    final SortingTask task;
    final int t; // tokens per sequence
    final int from; // first answer position
    final int[][] heldOut;
    final Set<Long> heldOutKeys = new HashSet<>();
    final int segments; // evaluations (and checkpoints) per K after step 0
    double[] sftLoss;
    final List<Run> runs = new ArrayList<>();
    CausalLm reference;
    int[] referenceAnswers; // held-out prompts' reference samples, heldOut x t
    double referenceScore;
    double referenceExact;

    Session(Config c, RunDirectory dir, Progress progress) {
      this.c = c;
      this.dir = dir;
      this.progress = progress;
      this.task = new SortingTask(c.length());
      this.t = task.sequenceLength();
      this.from = task.answerStart();
      this.heldOut = task.prompts(c.heldOut(), new SplittableRandom(c.seed() ^ 0x5DEECE66DL), Set.of());
      for (int[] p : heldOut) heldOutKeys.add(SortingTask.key(p));
      this.segments = (c.dpoSteps() + c.evalEvery() - 1) / c.evalEvery();
    }

    Result run() {
      int done = dir == null ? 0 : dir.latestCheckpoint().orElse(0);
      Engine.getInstance().setRandomSeed((int) c.seed());
      reference = new CausalLm(SortingTask.VOCABULARY, c.hidden(), t);
      try {
        CausalLm policy = null;
        Optimizer optimizer = null;
        if (done == 0) {
          sft();
          if (dir != null) dir.writeCheckpoint(1, out -> save(new DataOutputStream(out), 1, null, null));
        } else {
          if (done > 1) { // inside or after the preference runs: the latest policy and its optimiser
            policy = new CausalLm(SortingTask.VOCABULARY, c.hidden(), t);
            optimizer = new Optimizer(Optimizer.Kind.ADAMW, policy.parameters(), policy.manager(), 0.9f, 0f);
          }
          restore(done, policy, optimizer);
        }
        evaluateReference();
        Preferences data = preferences();
        for (int r = 0; r < c.rejected().size(); r++) {
          int k = c.rejected().get(r);
          int firstSegment;
          if (r < runs.size()) { // begun before a restart: finished, or the one the checkpoint holds
            firstSegment = runs.get(r).points().size() - 1;
            if (firstSegment == segments) continue;
          } else {
            if (policy != null) policy.close();
            policy = new CausalLm(SortingTask.VOCABULARY, c.hidden(), t);
            policy.copyFrom(reference);
            optimizer = new Optimizer(Optimizer.Kind.ADAMW, policy.parameters(), policy.manager(), 0.9f, 0f);
            runs.add(new Run(k, new ArrayList<>(List.of(evaluate(policy, 0, Double.NaN, Double.NaN, Double.NaN, r * (segments + 1L)))), c.dpoSteps()));
            firstSegment = 0;
          }
          for (int seg = firstSegment; seg < segments; seg++) {
            segment(policy, optimizer, data, r, k, seg);
            if (dir != null) {
              int unit = 2 + r * segments + seg;
              CausalLm p = policy;
              Optimizer o = optimizer;
              dir.writeCheckpoint(unit, out -> save(new DataOutputStream(out), unit, p, o));
            }
          }
        }
        if (policy != null) policy.close();
        return new Result(c, sftLoss, referenceScore, referenceExact, data.prompts, List.copyOf(runs));
      } finally {
        reference.close();
      }
    }

    /** Supervised fine-tuning of the reference on right answers. */
    void sft() {
      sftLoss = new double[c.sftSteps()];
      Optimizer opt = new Optimizer(Optimizer.Kind.ADAMW, reference.parameters(), reference.manager(), 0.9f, 0f);
      SplittableRandom random = new SplittableRandom(c.seed());
      int b = c.sftBatch();
      int[] seqs = new int[b * t];
      for (int s = 0; s < c.sftSteps(); s++) {
        for (int i = 0; i < b; i++) {
          int[] p;
          do {
            p = task.prompt(random);
          } while (heldOutKeys.contains(SortingTask.key(p)));
          task.sequence(p, task.solve(p), seqs, i * t);
        }
        float loss;
        try (NDManager m = reference.manager().newSubManager()) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray nll = reference.sequenceLogProbs(m, seqs, b, t, from, true).mean().neg().div(c.length()); // per answer token
            gc.backward(nll);
            loss = nll.getFloat();
          }
          opt.step((float) c.sftLr());
        }
        sftLoss[s] = loss;
        if (progress != null) progress.step("sft", s + 1, c.sftSteps(), loss);
      }
    }

    void evaluateReference() {
      referenceAnswers = answers(reference, new SplittableRandom(c.seed() + 17));
      double score = 0;
      int exact = 0;
      for (int i = 0; i < heldOut.length; i++) {
        int s = task.score(heldOut[i], answer(referenceAnswers, i));
        score += s;
        if (s == c.length()) exact++;
      }
      referenceScore = score / heldOut.length;
      referenceExact = exact / (double) heldOut.length;
    }

    /** Samples an answer to every held-out prompt at temperature 1: heldOut x t sequences. */
    int[] answers(CausalLm lm, SplittableRandom random) {
      int n = heldOut.length;
      int[] seqs = new int[n * t];
      for (int i = 0; i < n; i++) task.sequence(heldOut[i], new int[c.length()], seqs, i * t);
      lm.sample(seqs, n, t, from, 1.0, random);
      return seqs;
    }

    int[] answer(int[] seqs, int i) {
      int[] a = new int[c.length()];
      System.arraycopy(seqs, i * t + from, a, 0, c.length());
      return a;
    }

    /** The preference data, sequences of the largest K: chosen first, then K rejected, per prompt. */
    record Preferences(int prompts, int candidates, int[] seqs, double[] referenceLogp) {}

    Preferences preferences() {
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
        if (progress != null) progress.step("sampling answers", r0 + rows, total, Double.NaN);
      }
      List<int[]> kept = new ArrayList<>();
      for (int i = 0; i < c.prompts(); i++) {
        int[] scores = new int[s];
        int best = 0;
        for (int j = 0; j < s; j++) {
          scores[j] = task.score(prompts[i], answer(drafts, i * s + j));
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
      return new Preferences(n, cand, seqs, refLogp);
    }

    /** {@code evalEvery} preference steps for K = {@code k}, then an evaluation. */
    void segment(CausalLm policy, Optimizer opt, Preferences data, int r, int k, int seg) {
      SplittableRandom random = new SplittableRandom(c.seed() * 7919 + r * 100_003L + seg);
      int b = c.dpoBatch();
      int cand = 1 + k;
      int[] seqs = new int[b * cand * t];
      double[] refLp = new double[b * cand];
      double[] polLp = new double[b * cand];
      int first = seg * c.evalEvery();
      int last = Math.min(c.dpoSteps(), first + c.evalEvery());
      double lossSum = 0;
      double accSum = 0;
      double marginSum = 0;
      for (int step = first; step < last; step++) {
        for (int i = 0; i < b; i++) {
          int p = random.nextInt(data.prompts());
          for (int j = 0; j < cand; j++) {
            int src = p * data.candidates() + j;
            System.arraycopy(data.seqs(), src * t, seqs, (i * cand + j) * t, t);
            refLp[i * cand + j] = data.referenceLogp()[src];
          }
        }
        PreferenceLoss.Result res;
        try (NDManager m = policy.manager().newSubManager()) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray lp = policy.sequenceLogProbs(m, seqs, b * cand, t, from, true); // b(1+K)
            float[] v = lp.toFloatArray();
            for (int q = 0; q < v.length; q++) polLp[q] = v[q];
            res = PreferenceLoss.compute(c.objective(), c.beta(), polLp, refLp, cand);
            float[] g = new float[v.length];
            for (int q = 0; q < g.length; q++) g[q] = (float) res.policyGradient()[q];
            // + nll * mean over prompts of -log pi(chosen) / L
            for (int i = 0; i < b; i++) g[i * cand] -= (float) (c.nll() / ((double) b * c.length()));
            gc.backward(lp.mul(m.create(g, new Shape(g.length))).sum());
          }
          opt.step((float) c.dpoLr());
        }
        if (!Double.isFinite(res.loss())) throw new IllegalStateException("preference training diverged at step " + step + " (K=" + k + ")");
        lossSum += res.loss();
        accSum += res.accuracy();
        marginSum += res.margin();
        runs.get(r).stepLoss()[step] = res.loss();
        runs.get(r).stepAccuracy()[step] = res.accuracy();
        runs.get(r).stepMargin()[step] = res.margin();
        if (progress != null) progress.step("dpo K=" + k, step + 1, c.dpoSteps(), res.loss());
      }
      int steps = last - first;
      runs.get(r).points().add(evaluate(policy, last, lossSum / steps, accSum / steps, marginSum / steps, r * (segments + 1L) + seg + 1));
    }

    /** Win rate against the reference's held-out answers, score, exact rate and KL on the policy's samples. */
    Point evaluate(CausalLm policy, int step, double loss, double acc, double margin, long stream) {
      int[] mine = answers(policy, new SplittableRandom(c.seed() * 104_729L + stream));
      int wins = 0;
      int ties = 0;
      int losses = 0;
      double score = 0;
      int exact = 0;
      for (int i = 0; i < heldOut.length; i++) {
        int a = task.score(heldOut[i], answer(mine, i));
        int b = task.score(heldOut[i], answer(referenceAnswers, i));
        if (a > b) wins++;
        else if (a == b) ties++;
        else losses++;
        score += a;
        if (a == c.length()) exact++;
      }
      double kl;
      try (NDManager m = policy.manager().newSubManager()) {
        NDArray lp = policy.sequenceLogProbs(m, mine, heldOut.length, t, from, false);
        NDArray lr = reference.sequenceLogProbs(m, mine, heldOut.length, t, from, false);
        kl = lp.sub(lr).mean().getFloat();
      }
      int n = heldOut.length;
      return new Point(step, loss, acc, margin, kl, (wins + 0.5 * ties) / n, wins, ties, losses, score / n, exact / (double) n);
    }

    void save(DataOutputStream out, int unit, CausalLm policy, Optimizer opt) throws IOException {
      out.writeInt(MAGIC);
      out.writeInt(unit);
      Map<String, Object> state = new LinkedHashMap<>();
      List<Object> sft = new ArrayList<>();
      for (double v : sftLoss) sft.add(v);
      state.put("sft_loss", sft);
      List<Object> rs = new ArrayList<>();
      for (Run r : runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rejected", r.rejected());
        m.put("points", r.points().stream().map(Point::toMap).toList());
        m.put("step_loss", list(r.stepLoss()));
        m.put("step_accuracy", list(r.stepAccuracy()));
        m.put("step_margin", list(r.stepMargin()));
        rs.add(m);
      }
      state.put("runs", rs);
      byte[] json = Json.write(state).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(json.length);
      out.write(json);
      reference.save(out);
      out.writeBoolean(policy != null);
      if (policy != null) {
        policy.save(out);
        opt.save(out);
      }
      out.flush();
    }

    void restore(int unit, CausalLm policy, Optimizer opt) {
      Path file = dir.checkpoint(unit);
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        if (in.readInt() != MAGIC) throw new IllegalArgumentException(file + ": not a preference-training checkpoint");
        int stored = in.readInt();
        if (stored != unit) throw new IllegalArgumentException(file + ": holds unit " + stored + ", expected " + unit);
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        Map<String, Object> state = JsonReader.parseObject(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        List<?> sft = (List<?>) state.get("sft_loss");
        sftLoss = new double[sft.size()];
        for (int i = 0; i < sftLoss.length; i++) sftLoss[i] = num(sft.get(i));
        for (Object o : (List<?>) state.get("runs")) {
          Map<?, ?> m = (Map<?, ?>) o;
          List<Point> pts = new ArrayList<>();
          for (Object p : (List<?>) m.get("points")) pts.add(Point.fromMap((Map<?, ?>) p));
          runs.add(new Run(((Number) m.get("rejected")).intValue(), pts, array(m.get("step_loss")), array(m.get("step_accuracy")),
              array(m.get("step_margin"))));
        }
        reference.load(in);
        if (in.readBoolean() && policy != null) {
          policy.load(in);
          opt.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot resume from this checkpoint: " + e.getMessage(), e);
      }
    }
  }

  /** The values as a JSON list (NaN becomes null). */
  public static List<Object> list(double[] v) {
    List<Object> out = new ArrayList<>(v.length);
    for (double x : v) out.add(x);
    return out;
  }

  private static double[] array(Object list) {
    List<?> l = (List<?>) list;
    double[] v = new double[l.size()];
    for (int i = 0; i < v.length; i++) v[i] = num(l.get(i));
    return v;
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }
}
