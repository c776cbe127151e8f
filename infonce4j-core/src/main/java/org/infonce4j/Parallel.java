package org.infonce4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** Independent work items {@code 0..n-1} on a few threads: each item taken by the next free thread, the first failure rethrown. */
public final class Parallel {

  private Parallel() {
  }

  /**
   * Runs {@code body} for every index of {@code [0, n)} on at most {@code threads} threads and returns when all are done. The items
   * must be independent (each writes only its own part of the result), so the result does not depend on which thread ran which.
   *
   * @param n       the number of items, at least 0
   * @param threads the most threads, at least 1
   * @param body    the work of one item
   * @throws RuntimeException the first one an item threw (an {@code Error} likewise)
   */
  public static void forEach(int n, int threads, IntConsumer body) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    int workers = Math.max(1, Math.min(threads, n));
    if (workers == 1) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        jobs.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            body.accept(i);
          }
        }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
