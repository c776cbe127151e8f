package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.infonce4j.dpo.PreferenceLoss;
import org.infonce4j.dpo.SortingTask;
import org.infonce4j.djl.train.Json;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;

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
   * One evaluation of a policy on the held-out prompts, with the training readouts averaged over the
   * steps since the previous one (NaN at step 0).
   */
  public record Point(int step, double loss, double accuracy, double margin, double kl, double winRate, int wins, int ties, int losses,
      double meanScore, double exactRate) {

    /** {@return the evaluation as stored in {@code epochs.json}, by name (snake case)} */
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

    /** {@return the latest evaluation} */
    public Point last() {
      return points.get(points.size() - 1);
    }
  }

  /**
   * What a run measured.
   *
   * @param config         the settings
   * @param sftLoss        fine-tuning loss per step (mean negative log-likelihood per answer token)
   * @param referenceScore the reference's mean judge score on held-out prompts (sampled at temperature 1)
   * @param referenceExact share of the reference's held-out answers that are right
   * @param pairs          prompts kept for preference data (with a strictly worse answer)
   * @param runs           one per K
   */
  public record Result(PreferenceConfig config, double[] sftLoss, double referenceScore, double referenceExact, int pairs, List<Run> runs) {
  }

  /**
   * {@return what a 1-based unit of {@code c}'s run does: "sft" or "dpo K=4"}
   * @param c    the run's settings
   * @param unit the unit, 1-based
   */
  public static String phase(PreferenceConfig c, int unit) {
    return unit == 1 ? "sft" : "dpo K=" + c.rejected().get((unit - 2) / segments(c));
  }

  /** Evaluations (and checkpoints) per K after step 0. */
  private static int segments(PreferenceConfig c) {
    return (c.dpoSteps() + c.evalEvery() - 1) / c.evalEvery();
  }

  private PreferenceTraining() {
  }

  /**
   * Fine-tunes the reference, draws the preference data and trains one policy per K. With a run
   * directory: a checkpoint after fine-tuning and after every evaluation, and a directory that holds
   * checkpoints is resumed after the latest. The listener hears every step, and the sampling of the
   * preference data as the phase "sampling answers".
   * @param c        the settings
   * @param run      the run directory, or null to train without checkpoints
   * @param listener hears of progress, or null
   * @return the fine-tuning loss, the reference's scores and one run per K
   * @throws IllegalStateException when a step's loss is not finite
   */
  public static Result run(PreferenceConfig c, RunDirectory run, Training.Listener<PreferenceUnit> listener) {
    DjlEnvironment.start(c.threads());
    try (Session s = new Session(c, listener)) {
      Training.run(s, run, listener);
      s.ensureData();
      return new Result(c, s.sftLoss, s.referenceScore, s.referenceExact, s.data.prompts(), List.copyOf(s.runs));
    }
  }

  private static final class Session implements Training.Recipe<PreferenceUnit>, AutoCloseable {
    final PreferenceConfig c;
    final Training.Listener<PreferenceUnit> listener;
    final SortingTask task;
    final int t; // tokens per sequence
    final int from; // first answer position
    final int[][] heldOut;
    final Set<Long> heldOutKeys = new HashSet<>();
    final int segments; // evaluations (and checkpoints) per K after step 0
    final CausalLm reference;
    double[] sftLoss;
    final List<Run> runs = new ArrayList<>();
    int[] referenceAnswers; // held-out prompts' reference samples, heldOut x t
    double referenceScore;
    double referenceExact;
    PreferenceData data;
    // The current unit
    Optimizer optimizer; // the reference's while fine-tuning, then the policy's
    CausalLm policy;
    SplittableRandom random;
    int[] seqs;
    double[] refLp;
    double[] polLp;
    int run; // index of the current K
    int first; // first step of the current segment
    double lossSum;
    double accSum;
    double marginSum;

    Session(PreferenceConfig c, Training.Listener<PreferenceUnit> listener) {
      this.c = c;
      this.listener = listener;
      this.task = new SortingTask(c.length());
      this.t = task.sequenceLength();
      this.from = task.answerStart();
      this.heldOut = task.prompts(c.heldOut(), new SplittableRandom(c.seed() ^ 0x5DEECE66DL), Set.of());
      for (int[] p : heldOut) heldOutKeys.add(SortingTask.key(p));
      this.segments = segments(c);
      Engine.getInstance().setRandomSeed((int) c.seed());
      this.reference = new CausalLm(SortingTask.VOCABULARY, c.hidden(), t);
    }

    @Override
    public int units() {
      return 1 + c.rejected().size() * segments;
    }

    @Override
    public long steps(int unit) {
      if (unit == 1) return c.sftSteps();
      int seg = (unit - 2) % segments;
      return Math.min(c.dpoSteps(), (seg + 1) * c.evalEvery()) - seg * c.evalEvery();
    }

    @Override
    public void beginUnit(int unit) {
      if (unit == 1) {
        sftLoss = new double[c.sftSteps()];
        optimizer = new Optimizer(Optimizer.Kind.ADAMW, reference.parameters(), reference.manager(), 0.9f, 0f);
        random = new SplittableRandom(c.seed());
        seqs = new int[c.sftBatch() * t];
        return;
      }
      ensureData();
      run = (unit - 2) / segments;
      int seg = (unit - 2) % segments;
      int k = c.rejected().get(run);
      if (seg == 0) { // a new K starts from the reference
        newPolicy();
        policy.copyFrom(reference);
        runs.add(new Run(k, new ArrayList<>(List.of(evaluate(policy, 0, Double.NaN, Double.NaN, Double.NaN, run * (segments + 1L)))), c.dpoSteps()));
      }
      random = new SplittableRandom(c.seed() * 7919 + run * 100_003L + seg);
      int cand = 1 + k;
      seqs = new int[c.dpoBatch() * cand * t];
      refLp = new double[c.dpoBatch() * cand];
      polLp = new double[c.dpoBatch() * cand];
      first = seg * c.evalEvery();
      lossSum = 0;
      accSum = 0;
      marginSum = 0;
    }

    private void newPolicy() {
      if (policy != null) policy.close();
      policy = null;
      policy = new CausalLm(SortingTask.VOCABULARY, c.hidden(), t);
      optimizer = new Optimizer(Optimizer.Kind.ADAMW, policy.parameters(), policy.manager(), 0.9f, 0f);
    }

    @Override
    public double step(int unit, long s) {
      if (unit == 1) {
        double loss = sftStep();
        sftLoss[(int) s] = loss;
        return loss;
      }
      return preferenceStep(first + (int) s);
    }

    @Override
    public PreferenceUnit endUnit(Training.Unit u) {
      if (u.unit() > 1) {
        int last = first + (int) u.steps();
        int seg = (u.unit() - 2) % segments;
        long n = u.steps();
        runs.get(run).points().add(evaluate(policy, last, lossSum / n, accSum / n, marginSum / n, run * (segments + 1L) + seg + 1));
      }
      return new PreferenceUnit(u.unit(), phase(c, u.unit()), u.meanLoss(), u.seconds());
    }

    @Override
    public Map<String, Object> toMap(PreferenceUnit r) {
      return r.toMap();
    }

    @Override
    public PreferenceUnit fromMap(Map<String, Object> m) {
      return PreferenceUnit.fromMap(m);
    }

    /** The reference's held-out answers and the preference data, once, after fine-tuning. */
    void ensureData() {
      if (data == null) {
        evaluateReference();
        data = preferences();
      }
    }

    @Override
    public void close() {
      if (policy != null) policy.close();
      reference.close();
    }

    /** One step of supervised fine-tuning of the reference on right answers; returns its loss. */
    double sftStep() {
      int b = c.sftBatch();
      for (int i = 0; i < b; i++) {
        int[] p;
        do {
          p = task.prompt(random);
        } while (heldOutKeys.contains(SortingTask.key(p)));
        task.sequence(p, task.solve(p), seqs, i * t);
      }
      try (NDManager m = reference.manager().newSubManager()) {
        float loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray nll = reference.sequenceLogProbs(m, seqs, b, t, from, true).mean().neg().div(c.length()); // per answer token
          gc.backward(nll);
          loss = nll.getFloat();
        }
        optimizer.step((float) c.sftLr());
        return loss;
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

    /** The preference data, drawn once by the reference after fine-tuning. */
    PreferenceData preferences() {
      return PreferenceData.draw(c, task, reference, heldOutKeys, listener);
    }

    /** Preference step {@code step} of the current K; returns its loss. */
    double preferenceStep(int step) {
      int b = c.dpoBatch();
      int cand = 1 + c.rejected().get(run);
      PreferenceData data = this.data;
      Optimizer opt = optimizer;
      int r = run;
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
      lossSum += res.loss();
      accSum += res.accuracy();
      marginSum += res.margin();
      runs.get(r).stepLoss()[step] = res.loss();
      runs.get(r).stepAccuracy()[step] = res.accuracy();
      runs.get(r).stepMargin()[step] = res.margin();
      return res.loss();
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

    @Override
    public void save(DataOutputStream out) throws IOException {
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("sft_loss", list(sftLoss));
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
      byte[] json = Json.writeCompact(state).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(json.length);
      out.write(json);
      reference.save(out);
      out.writeBoolean(policy != null);
      if (policy != null) {
        policy.save(out);
        optimizer.save(out);
      }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      if (!(Json.parse(new String(json, java.nio.charset.StandardCharsets.UTF_8), "the checkpoint's training state") instanceof Map<?, ?> state)) {
        throw new IOException("the checkpoint's training state is not a JSON object");
      }
      sftLoss = array(state.get("sft_loss"));
      for (Object o : (List<?>) state.get("runs")) {
        Map<?, ?> m = (Map<?, ?>) o;
        List<Point> pts = new ArrayList<>();
        for (Object p : (List<?>) m.get("points")) pts.add(Point.fromMap((Map<?, ?>) p));
        runs.add(new Run(((Number) m.get("rejected")).intValue(), pts, array(m.get("step_loss")), array(m.get("step_accuracy")),
            array(m.get("step_margin"))));
      }
      reference.load(in);
      if (in.readBoolean()) {
        newPolicy();
        policy.load(in);
        optimizer.load(in);
      }
    }
  }

  /**
   * {@return the values boxed, as a list for JSON (NaN becomes null when {@link org.infonce4j.djl.train.Json#write} writes it)}
   * @param v the values
   */
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
