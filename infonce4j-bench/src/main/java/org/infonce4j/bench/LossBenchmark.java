package org.infonce4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward+backward of the InfoNCE loss: the tiled engine with the Panama and the scalar kernels
 * side by side (one JMH run), in-batch cosine loss, temperature 0.07.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LossBenchmark {

  @Param({"4096"})
  int n;

  @Param({"256"})
  int d;

  @Param({"2"})
  int threads;

  @Param({"panama", "scalar"})
  String kernels;

  @Param({"false"})
  boolean symmetric;

  private InfoNce infoNce;
  private Batch batch;
  private LossSpec spec;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(42);
    batch = Batch.of(gaussian(rnd, n, d), gaussian(rnd, n, d));
    spec = LossSpec.cosine(0.07).withSymmetric(symmetric);
    infoNce = InfoNce.create("scalar".equals(kernels) ? KernelProvider.scalar() : KernelProvider.panama(), threads);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    infoNce.close();
  }

  @Benchmark
  public LossResult forwardBackward() {
    return infoNce.compute(batch, spec);
  }

  @Benchmark
  public LossResult forwardOnly() {
    return infoNce.forward(batch, spec);
  }

  private static Matrix gaussian(SplittableRandom rnd, int rows, int cols) {
    float[] v = new float[rows * cols]; // rows x cols
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new Matrix(rows, cols, v);
  }
}
