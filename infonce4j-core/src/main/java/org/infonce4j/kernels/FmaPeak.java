package org.infonce4j.kernels;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Measures the float32 FMA peak of this machine on the spot: every thread runs a loop of 16
 * independent vector FMAs (each counting 2 flops per lane), all threads at once, and the total is
 * divided by the wall time. Without the vector module a scalar loop of the same shape is measured
 * instead (and the result says so).
 */
public final class FmaPeak {

  /**
   * @param gflops   float32 GFLOP/s over all threads
   * @param threads  threads that ran at once
   * @param lanes    float lanes per FMA (1 for the scalar loop)
   * @param seconds  wall time of the measured run
   */
  public record Result(double gflops, int threads, int lanes, double seconds) {
  }

  private static final int CHUNK = 100_000;

  private FmaPeak() {
  }

  /**
   * Measures for about {@code seconds} (after a short warm-up) on {@code threads} threads.
   *
   * @param threads how many threads run at once
   * @param seconds the rough length of the measured run
   * @return the measured peak
   */
  public static Result measure(int threads, double seconds) {
    Method run;
    int lanes;
    try {
      if (!KernelProvider.vectorModuleReadable()) {
        throw new ReflectiveOperationException("vector module not readable");
      }
      Class<?> c = Class.forName("org.infonce4j.kernels.PanamaPeak");
      run = c.getDeclaredMethod("run", int.class);
      run.setAccessible(true);
      Method l = c.getDeclaredMethod("lanes");
      l.setAccessible(true);
      lanes = (int) l.invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      run = null;
      lanes = 1;
    }
    final Method vector = run;
    // Warm up (the loop must be compiled before it is timed), then calibrate on one thread.
    for (int i = 0; i < 200; i++) {
      call(vector, CHUNK);
    }
    long probe = CHUNK;
    double t = time(vector, probe);
    while (t < 0.1) {
      probe *= 2;
      t = time(vector, probe);
    }
    long iterations = (long) (probe * seconds / t);
    List<Thread> workers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    float[] sink = new float[threads];
    for (int w = 0; w < threads; w++) {
      final int id = w;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        sink[id] = call(vector, iterations);
      }, "infonce4j-fma-peak");
      workers.add(th);
      th.start();
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread th : workers) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring the FMA peak", e);
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    float check = 0;
    for (float s : sink) {
      check += s;
    }
    if (Float.isNaN(check)) {
      throw new IllegalStateException("FMA loop produced NaN");
    }
    double flops = (double) iterations * 16 * lanes * 2 * threads;
    return new Result(flops / wall / 1e9, threads, lanes, wall);
  }

  private static double time(Method vector, long iterations) {
    long t0 = System.nanoTime();
    call(vector, iterations);
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Runs {@code iterations} rounds in calls of {@link #CHUNK}, so the loop is compiled as an ordinary method. */
  private static float call(Method vector, long iterations) {
    float sum = 0;
    for (long done = 0; done < iterations; done += CHUNK) {
      int n = (int) Math.min(CHUNK, iterations - done);
      if (vector == null) {
        sum += scalar(n);
      } else {
        try {
          sum += (float) vector.invoke(null, n);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return sum;
  }

  private static float scalar(int iterations) {
    float x = 0.9999999f, y = 1e-7f;
    float a0 = 1, a1 = 1.1f, a2 = 1.2f, a3 = 1.3f, a4 = 1.4f, a5 = 1.5f, a6 = 1.6f, a7 = 1.7f;
    float a8 = 1.8f, a9 = 1.9f, a10 = 2, a11 = 2.1f, a12 = 2.2f, a13 = 2.3f, a14 = 2.4f, a15 = 2.5f;
    for (int i = 0; i < iterations; i++) {
      a0 = Math.fma(a0, x, y);
      a1 = Math.fma(a1, x, y);
      a2 = Math.fma(a2, x, y);
      a3 = Math.fma(a3, x, y);
      a4 = Math.fma(a4, x, y);
      a5 = Math.fma(a5, x, y);
      a6 = Math.fma(a6, x, y);
      a7 = Math.fma(a7, x, y);
      a8 = Math.fma(a8, x, y);
      a9 = Math.fma(a9, x, y);
      a10 = Math.fma(a10, x, y);
      a11 = Math.fma(a11, x, y);
      a12 = Math.fma(a12, x, y);
      a13 = Math.fma(a13, x, y);
      a14 = Math.fma(a14, x, y);
      a15 = Math.fma(a15, x, y);
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
  }
}
