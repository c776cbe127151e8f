package org.infonce4j.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.infonce4j.djl.train.Json;
import org.infonce4j.Matrix;
import org.infonce4j.Provenance;
import org.infonce4j.kernels.FmaPeak;
import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.kernels.Kernels;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infonce4j bench}: forward+backward of the tiled engine on random data, against the FMA
 * peak measured on the spot on the same threads.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Times forward+backward of the fast engine on random N x d anchors and M x d candidates,",
        "reports GFLOP/s (counting 6 N M d, plus 4 N K d with a queue), the float32 FMA peak measured",
        "now on the same threads,",
        "their ratio, and the peak heap."
    })
final class BenchCommand implements Callable<Integer>, EngineOptions.Defaults {

  @Spec
  CommandSpec spec;

  @Option(names = "--n", defaultValue = "4096", description = "Anchors N (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--m", description = "Candidates M (default: N).")
  Integer m;

  @Option(names = "--d", defaultValue = "256", description = "Dimension d (default: ${DEFAULT-VALUE}).")
  int d;

  @Option(names = "--queue", defaultValue = "0", paramLabel = "K", description = "Queued negatives K (default: ${DEFAULT-VALUE}).")
  int queue;

  @Mixin
  EngineOptions.Threads threads;

  @Option(names = "--similarity", defaultValue = "cosine", paramLabel = "cosine|dot", description = "Similarity (default: ${DEFAULT-VALUE}).")
  String similarity;

  @Option(names = "--symmetric", description = "The symmetric (CLIP) loss.")
  boolean symmetric;

  @Option(names = "--no-diagnostics", description = "Skip the diagnostics (entropy, hard-negative share).")
  boolean noDiagnostics;

  @Option(names = "--kernels", defaultValue = "auto", paramLabel = "auto|scalar|panama", description = "Kernels (default: ${DEFAULT-VALUE}).")
  String kernels;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--peak-seconds", defaultValue = "1.0", description = "Seconds of the FMA peak measurement; 0 measures none (default: ${DEFAULT-VALUE}).")
  double peakSeconds;

  @Mixin
  EngineOptions.Seed seed;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public long defaultSeed() {
    return 42;
  }

  @Override
  public int defaultThreads() {
    return EngineOptions.processors();
  }

  @Override
  public Integer call() throws Exception {
    int mm = m == null ? n : m;
    int t = threads.value();
    if (n < 1 || mm < 1 || d < 1 || queue < 0 || repeats < 1 || warmup < 0 || !(peakSeconds >= 0)) {
      throw new IllegalArgumentException("--n, --m, --d and --repeats must be at least 1; --queue, --warmup and --peak-seconds at least 0");
    }
    String choice = kernels.toLowerCase(Locale.ROOT);
    Kernels k = switch (choice) {
      case "auto" -> KernelProvider.get();
      case "scalar" -> KernelProvider.scalar();
      case "panama" -> KernelProvider.panama();
      default -> throw new IllegalArgumentException("--kernels must be auto, scalar or panama, got '" + kernels + "'");
    };
    String why = choice.equals("auto") ? KernelProvider.reason() : "--kernels " + choice;
    LossSpec lossSpec = new LossSpec(LossCommand.parseSimilarity(similarity), 0.07, org.infonce4j.loss.Reduction.MEAN, symmetric, !noDiagnostics);
    SplittableRandom rnd = new SplittableRandom(seed.value);
    Batch batch = Batch.of(gaussian(rnd, n, d), gaussian(rnd, mm, d));
    if (queue > 0) {
      batch = batch.withQueue(gaussian(rnd, queue, d));
    }
    PrintWriter out = spec.commandLine().getOut();
    // Forward, recomputation and dA cover all M + K columns; dC only the M candidates.
    double flops = 6.0 * n * mm * d + 4.0 * n * queue * d;
    double[] seconds = new double[repeats];
    String implementation;
    double loss;
    HeapSampler heap = new HeapSampler();
    try (InfoNce infoNce = InfoNce.create(k, t)) {
      implementation = infoNce.implementation();
      if (!json) {
        out.printf(Locale.ROOT, "infonce4j bench: N=%d M=%d K=%d d=%d %s%s, %s%n", n, mm, queue, d, lossSpec.similarity().name().toLowerCase(Locale.ROOT),
            symmetric ? " symmetric" : "", implementation);
        out.flush();
      }
      for (int i = 0; i < warmup; i++) {
        infoNce.compute(batch, lossSpec);
      }
      heap.start();
      LossResult r = null;
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        r = infoNce.compute(batch, lossSpec);
        seconds[i] = (System.nanoTime() - t0) / 1e9;
        if (!json) {
          out.printf(Locale.ROOT, "  run %d: %.4f s, %.1f GFLOP/s%n", i + 1, seconds[i], flops / seconds[i] / 1e9);
          out.flush();
        }
      }
      heap.stop();
      loss = r.loss();
    }
    report(out, lossSpec, t, implementation, why, mm, seconds, flops, heap, loss);
    out.flush();
    return 0;
  }

  /** Prints the timings against the FMA peak measured now, as text or one line of JSON. */
  private void report(PrintWriter out, LossSpec lossSpec, int t, String implementation, String why, int mm, double[] seconds, double flops,
      HeapSampler heap, double loss) {
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    double median = sorted[repeats / 2];
    double gflops = flops / median / 1e9;
    FmaPeak.Result peak = peakSeconds > 0 ? FmaPeak.measure(t, peakSeconds) : null;
    double inputsMb = 4.0 * (n + mm + queue) * d / 1e6;
    double gradsMb = 4.0 * (n + mm) * d / 1e6;

    Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("recipe", "bench");
    o.put("command", Report.commandLine(spec)); // with --json > FILE, a result scripts/keep-result.sh can keep
    o.put("n", n);
    o.put("m", mm);
    o.put("queue", queue);
    o.put("d", d);
    o.put("similarity", lossSpec.similarity().name().toLowerCase(Locale.ROOT));
    o.put("symmetric", symmetric);
    o.put("diagnostics", !noDiagnostics);
    o.put("threads", t);
    o.put("engine", implementation);
    o.put("kernel_choice", why);
    o.put("seconds_median", median);
    o.put("seconds_min", sorted[0]);
    o.put("seconds_all", seconds);
    o.put("gflops", gflops);
    o.put("fma_peak_gflops", peak == null ? null : peak.gflops());
    o.put("peak_fraction", peak == null ? null : gflops / peak.gflops());
    o.put("peak_heap_mb", heap.peakBytes() / 1e6);
    o.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1e6);
    o.put("inputs_mb", inputsMb);
    o.put("gradients_mb", gradsMb);
    o.put("loss", loss);
    o.put("provenance", Provenance.describe());
    if (json) {
      out.println(Json.writeCompact(o));
    } else {
      out.printf(Locale.ROOT, "median %.4f s: %.1f GFLOP/s (6 N M d%s = %.2f GFLOP per step)%n", median, gflops,
          queue > 0 ? " + 4 N K d" : "", flops / 1e9);
      if (peak == null) {
        out.println("FMA peak not measured (--peak-seconds 0)");
      } else {
        out.printf(Locale.ROOT, "FMA peak on %d threads (%d lanes): %.1f GFLOP/s -> %.1f%% of peak%n", t, peak.lanes(), peak.gflops(),
            100 * gflops / peak.gflops());
      }
      out.printf(Locale.ROOT, "peak heap %.0f MB (inputs %.0f MB, gradients %.0f MB, -Xmx %.0f MB)%n", heap.peakBytes() / 1e6, inputsMb, gradsMb,
          Runtime.getRuntime().maxMemory() / 1e6);
      out.printf(Locale.ROOT, "commit %s, %s%n", Provenance.commit(), System.getProperty("java.vm.name") + " " + Runtime.version());
    }
  }

  private static Matrix gaussian(SplittableRandom rnd, int rows, int cols) {
    float[] v = new float[Math.multiplyExact(rows, cols)]; // rows x cols
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new Matrix(rows, cols, v);
  }

  /** Samples the used heap every millisecond on a daemon thread and keeps the largest value. */
  private static final class HeapSampler {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private volatile boolean running;
    private volatile long peak;
    private Thread thread;

    void start() {
      running = true;
      peak = memory.getHeapMemoryUsage().getUsed();
      thread = new Thread(() -> {
        while (running) {
          peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "infonce4j-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
      peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
    }

    long peakBytes() {
      return peak;
    }
  }
}
