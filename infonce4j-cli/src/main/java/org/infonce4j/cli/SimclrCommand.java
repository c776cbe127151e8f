package org.infonce4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.djl.Encoder;
import org.infonce4j.djl.Evaluation;
import org.infonce4j.djl.Pretraining;
import org.infonce4j.djl.PretrainingConfig;
import org.infonce4j.djl.train.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code infonce4j simclr}: SimCLR on Fashion-MNIST, then the evaluation beside the baselines. */
@Command(name = "simclr", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"SimCLR on Fashion-MNIST: two augmented views per image, NT-Xent with 2N-2 in-batch negatives.",
        "Trains into a run directory (checkpoint every epoch, --resume), then evaluates the frozen encoder on the",
        "test set (kNN, linear probe, alignment/uniformity) beside raw pixels, a random encoder and a supervised one."})
final class SimclrCommand implements Callable<Integer>, ImageRecipe.Defaults {
  @Spec
  CommandSpec spec;

  @Mixin
  ImageRecipe.Options options;

  @Override
  public Integer call() {
    return run(spec, options, options.config(Pretraining.Method.SIMCLR, null, null), "simclr");
  }

  /** Trains, evaluates and reports one image recipe. */
  static int run(CommandSpec spec, ImageRecipe.Options options, PretrainingConfig c, String recipe) {
    ImageRecipe r = new ImageRecipe(spec.commandLine().getOut(), spec.commandLine().getErr());
    FashionMnist data = FashionMnist.load(options.data);
    RunDirectory run = options.run.start(recipe, c.toMap(), spec.commandLine().getErr());
    Path dir = run.dir();
    Pretraining.Trained t = r.train(recipe, c, data, run, options.monitor);
    try (Encoder enc = t.encoder()) {
      if (!options.eval) {
        spec.commandLine().getOut().println("trained; evaluate with: infonce4j eval --run " + dir);
        return 0;
      }
      List<Evaluation.Scores> rows = r.evaluate(recipe + " (" + c.epochs() + " ep)", enc, c, data, options.baselines, options.supervisedEpochs,
          dir);
      r.report(spec, run, c, t, rows);
    }
    return 0;
  }
}
