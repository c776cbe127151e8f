package org.infonce4j.cli;

import static org.infonce4j.cli.ImageRecipe.or;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.djl.DjlEnvironment;
import org.infonce4j.djl.PreferenceConfig;
import org.infonce4j.djl.PreferenceTraining;
import org.infonce4j.dpo.PreferenceLoss;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infonce4j dpo}: supervised fine-tuning, then preference optimisation for each K, on the sorting task. */
@Command(name = "dpo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"DPO as InfoNCE on preferences, end to end: a small GRU language model is fine-tuned on sorting digits (the frozen",
        "reference), answers sampled from it are judged (positions right), and a policy is trained from the reference on one chosen",
        "and K rejected answers per prompt for each K. Reports per evaluation: preference accuracy, implicit reward margin, KL to the",
        "reference and the judge's win rate against the reference on held-out prompts."})
final class DpoCommand implements Callable<Integer>, EngineOptions.Defaults {
  @Spec
  CommandSpec spec;

  @Option(names = "--rejected", split = ",", paramLabel = "K", description = "Rejected answers per prompt, one policy per K (default: 1,4).")
  List<Integer> rejected;

  @Option(names = "--objective", paramLabel = "infonce|dpo|ipo",
      description = "Preference loss: listwise InfoNCE (for K = 1 exactly DPO), DPO's sigmoid averaged over pairs, or IPO (default: infonce).")
  String objective;

  @Option(names = "--beta", paramLabel = "B", description = "Strength of the implicit KL penalty (default: 0.5).")
  Double beta;

  @Option(names = "--nll", paramLabel = "A",
      description = "Weight of the chosen answers' negative log-likelihood per token added to the preference loss (RPO); 0 is plain DPO (default: 0).")
  Double nll;

  @Option(names = "--length", paramLabel = "L", description = "Digits per prompt (default: 6).")
  Integer length;

  @Option(names = "--sft-steps", paramLabel = "N", description = "Fine-tuning steps of the reference (default: 60).")
  Integer sftSteps;

  @Option(names = "--steps", paramLabel = "N", description = "Preference steps per K (default: 2000).")
  Integer steps;

  @Option(names = "--batch", paramLabel = "N", description = "Prompts per preference step (default: 64).")
  Integer batch;

  @Option(names = "--lr", paramLabel = "LR", description = "Adam's learning rate for preference training (default: 1e-3).")
  Double lr;

  @Option(names = "--prompts", paramLabel = "N", description = "Training prompts answered by the reference for preference data (default: 8192).")
  Integer prompts;

  @Option(names = "--held-out", paramLabel = "N", description = "Held-out prompts for evaluation (default: 1000).")
  Integer heldOut;

  @Mixin
  EngineOptions.Seed seed;

  @Mixin
  EngineOptions.Threads threads;

  @Mixin
  RunOptions runOptions;

  @Override
  public long defaultSeed() {
    return PreferenceConfig.defaults().seed();
  }

  @Override
  public int defaultThreads() {
    return PreferenceConfig.defaults().threads();
  }

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PreferenceConfig d = PreferenceConfig.defaults();
    PreferenceConfig c = new PreferenceConfig(or(length, d.length()), d.hidden(), or(sftSteps, d.sftSteps()), d.sftBatch(), d.sftLr(),
        or(prompts, d.prompts()), d.samples(), or(rejected, d.rejected()), objective == null ? d.objective() : PreferenceLoss.Objective.parse(objective),
        or(beta, d.beta()), or(nll, d.nll()), or(steps, d.dpoSteps()), or(batch, d.dpoBatch()), or(lr, d.dpoLr()), or(heldOut, d.heldOut()), d.evalEvery(),
        seed.value,
        threads.value());
    DjlEnvironment.start(c.threads());
    RunDirectory run = runOptions.start("dpo", c.toMap(), err);
    ProgressBar bar = new ProgressBar(err, "steps", 500);
    String[] current = {""};
    PreferenceTraining.Result r = PreferenceTraining.run(c, run, new Training.Listener<>() {
      @Override
      public void step(Training.Step s) {
        show(PreferenceTraining.phase(c, s.unit()) + " (" + s.unit() + "/" + s.units() + ")", s.step(), s.steps(), s.loss());
      }

      @Override
      public void phase(String what, long done, long total) {
        show(what, done, total, Double.NaN);
      }

      private void show(String phase, long step, long total, double loss) {
        if (!phase.equals(current[0])) {
          current[0] = phase;
          bar.start(phase, total, step - 1);
        }
        bar.update(step, loss);
        if (step == total) bar.finish();
      }
    });
    report(o, new Report(run.dir(), "dpo", spec), r);
    return 0;
  }

  private static void report(PrintWriter o, Report report, PreferenceTraining.Result r) {
    PreferenceConfig c = r.config();
    o.println(String.format(Locale.ROOT, "task: sort %d digits; judge: positions right (0-%d); %d held-out prompts", c.length(), c.length(), c.heldOut()));
    o.println(String.format(Locale.ROOT, "reference after %d fine-tuning steps: mean score %.3f, right answers %.1f%%; %d of %d prompts had a worse answer",
        c.sftSteps(), r.referenceScore(), 100 * r.referenceExact(), r.pairs(), c.prompts()));
    o.println(String.format(Locale.ROOT, "%4s %6s %9s %9s %9s %9s %9s %9s %9s", "K", "step", "loss", "pref.acc", "margin", "KL", "win rate",
        "score", "right"));
    Map<String, Object> m = report.metrics();
    m.put("engine", DjlEnvironment.description());
    m.put("config", c.toMap());
    m.put("reference", Map.of("mean_score", r.referenceScore(), "exact_rate", r.referenceExact()));
    m.put("preference_prompts", r.pairs());
    List<Object> runs = new java.util.ArrayList<>();
    LinePlot win = new LinePlot("Win rate against the reference (held-out prompts, judge: positions right)", "preference step", "share");
    LinePlot kl = new LinePlot("Preference training: accuracy, reward margin and KL to the reference", "preference step", "value");
    LinePlot loss = new LinePlot("Preference loss per step (EMA of 20 steps)", "preference step", "loss");
    int colour = 0;
    for (PreferenceTraining.Run run1 : r.runs()) {
      PreferenceTraining.Point last = run1.last();
      o.println(String.format(Locale.ROOT, "%4d %6d %9.4f %8.1f%% %9.3f %9.3f %8.1f%% %9.3f %8.1f%%", run1.rejected(), last.step(), last.loss(),
          100 * last.accuracy(), last.margin(), last.kl(), 100 * last.winRate(), last.meanScore(), 100 * last.exactRate()));
      int n = run1.points().size();
      double[] x = new double[n];
      double[] w = new double[n];
      double[] ex = new double[n];
      double[] acc = new double[n];
      double[] mar = new double[n];
      double[] k = new double[n];
      for (int i = 0; i < n; i++) {
        PreferenceTraining.Point p = run1.points().get(i);
        x[i] = p.step();
        w[i] = p.winRate();
        ex[i] = p.exactRate();
        acc[i] = p.accuracy();
        mar[i] = p.margin();
        k[i] = p.kl();
      }
      win.add("K=" + run1.rejected() + " win rate", x, w, colour, false).add("K=" + run1.rejected() + " right answers", x, ex, colour, true);
      kl.add("K=" + run1.rejected() + " preference accuracy", x, acc, colour, false).add("K=" + run1.rejected() + " KL (nats)", x, k, colour, true);
      kl.add("K=" + run1.rejected() + " reward margin", x, mar, colour + 3, true);
      colour++;
      Map<String, Object> rm = new java.util.LinkedHashMap<>();
      rm.put("rejected", run1.rejected());
      rm.put("points", run1.points().stream().map(PreferenceTraining.Point::toMap).toList());
      rm.put("step_loss", PreferenceTraining.list(run1.stepLoss()));
      rm.put("step_accuracy", PreferenceTraining.list(run1.stepAccuracy()));
      rm.put("step_margin", PreferenceTraining.list(run1.stepMargin()));
      double[] steps = new double[run1.stepLoss().length];
      for (int i = 0; i < steps.length; i++) steps[i] = i + 1;
      loss.add("K=" + run1.rejected() + " (chance " + String.format(Locale.ROOT, "%.3f", Math.log(1 + run1.rejected())) + ")", steps,
          LinePlot.ema(run1.stepLoss(), 20), colour - 1, false);
      runs.add(rm);
    }
    double[] ends = {0, c.dpoSteps()};
    win.add("reference right answers", ends, new double[] {r.referenceExact(), r.referenceExact()}, 7, true);
    m.put("runs", runs);
    report.plot("win_rate.png", win).plot("training.png", kl).plot("loss.png", loss);
    double[] sx = new double[r.sftLoss().length];
    for (int i = 0; i < sx.length; i++) sx[i] = i + 1;
    if (sx.length > 0)
      report.plot("sft.png", new LinePlot("Supervised fine-tuning of the reference", "step", "loss per answer token").add("loss", sx, r.sftLoss()));
    report.write("metrics.json", o);
  }
}
