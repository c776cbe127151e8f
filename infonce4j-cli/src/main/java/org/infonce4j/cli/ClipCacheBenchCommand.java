package org.infonce4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.djl.train.Json;
import org.infonce4j.djl.ClipSteps;
import org.infonce4j.djl.ClipConfig;
import org.infonce4j.djl.DjlEnvironment;
import org.infonce4j.io.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/** {@code infonce4j bench-clip-cache}: one CLIP step, plain or gradient-cached; gradients to .npy, peak memory. */
@Command(name = "bench-clip-cache", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"One CLIP training step on generated scenes, plain or with gradient caching (--chunk), from the same initialisation:",
        "prints the loss, the time and the process's peak resident memory, and writes every parameter's gradient to --grad-out.",
        "Run each mode in its own process to compare (infonce4j-bench/scripts/clip-gradient-cache.sh)."})
final class ClipCacheBenchCommand implements Callable<Integer>, EngineOptions.Defaults {
  @Spec
  CommandSpec spec;

  @Option(names = "--batch", paramLabel = "N", description = "Pairs in the step (default: 1024).")
  int batch = 1024;

  @Option(names = "--chunk", paramLabel = "C", description = "Gradient-caching chunk; 0 for the plain step (default: 0).")
  int chunk = 0;

  @Option(names = "--side", paramLabel = "S", description = "Image side (default: 32).")
  int side = 32;

  @Option(names = "--width", paramLabel = "W", description = "CNN width (default: 32).")
  int width = 32;

  @Mixin
  EngineOptions.Seed seed;

  @Mixin
  EngineOptions.Threads threads;

  @Option(names = "--loss", paramLabel = "full|core",
      description = "The loss in the autograd graph (N x N logits) or from the core engine, tile by tile (default: full).")
  String loss = "full";

  @Option(names = "--grad-out", paramLabel = "FILE", description = "Where to write the gradients (.npy, float32).")
  Path gradOut;

  @Override
  public long defaultSeed() {
    return 1;
  }

  @Override
  public int defaultThreads() {
    return EngineOptions.processors();
  }

  @Override
  public Integer call() throws Exception {
    DjlEnvironment.start(threads.value());
    long before = peakRssKb();
    ClipSteps.StepGradients g = ClipSteps.benchmarkStep(batch, chunk, side, width, seed.value, ClipConfig.LossEngine.parse(loss));
    long after = peakRssKb();
    if (gradOut != null) Npy.writeFloat32(gradOut, new int[] {g.gradients().length}, g.gradients());
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("mode", chunk > 0 ? "cached" : "plain");
    m.put("batch", batch);
    m.put("chunk", chunk);
    m.put("loss_engine", loss);
    m.put("loss", g.loss());
    m.put("seconds", g.seconds());
    m.put("peak_rss_mb_before_step", before / 1024.0);
    m.put("peak_rss_mb", after / 1024.0);
    m.put("gradient_values", g.gradients().length);
    spec.commandLine().getOut().println(Json.write(m));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The process's peak resident set (VmHWM, kB) from /proc, or -1 where there is none. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
