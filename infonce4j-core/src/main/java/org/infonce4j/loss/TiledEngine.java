package org.infonce4j.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.infonce4j.kernels.Kernels;

/**
 * The fast engine. The {@code N x (M+K)} logit matrix is never materialised: the forward pass
 * walks it in tiles of {@code rowBlock x colTile}, keeping per row only a running maximum and sum
 * (an online log-sum-exp), and per column the same when the loss is symmetric; the backward pass
 * recomputes each tile, turns it into soft-max weights in place and multiplies it straight into the
 * gradients. Extra memory: the unit (and padded) copies of the inputs, the packed candidates, one
 * candidate-gradient buffer per thread and one tile per thread, O((N + M + K) d + threads (M d +
 * tile)).
 *
 * <p>Work is split by row blocks handed out from an atomic counter; each thread keeps its own
 * candidate-gradient and column-statistics buffers, summed after the pass.
 *
 * <p>The buffers and logit tiles live in {@link TiledWorkspace}, the passes in {@link TiledForward}
 * and {@link TiledBackward}; this class holds the threads and runs a call.
 */
final class TiledEngine implements AutoCloseable {

  /** Columns per tile: the kernels' tile width and row stride. */
  static final int COL_TILE = Kernels.TILE;
  /**
   * Largest rows per block; blocks shrink so every thread gets a few when N is small. Each block
   * streams all candidates from L3 once per product, so bigger blocks mean less traffic per flop:
   * 256 measured a few percent faster than 64 at N = 4096, d = 256.
   */
  static final int MAX_ROW_BLOCK = 256;

  private final Kernels kernels;
  private final int threads;
  private final ExecutorService pool; // null when threads == 1
  /** Buffers kept between calls of the same shape (a training loop's); released by close(). */
  private TiledWorkspace workspace = new TiledWorkspace();

  TiledEngine(Kernels kernels, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.kernels = kernels;
    this.threads = threads;
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "infonce4j-loss");
      t.setDaemon(true);
      return t;
    });
  }

  Kernels kernels() {
    return kernels;
  }

  int threads() {
    return threads;
  }

  private volatile boolean closed;

  @Override
  public void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
    workspace = new TiledWorkspace();
  }

  /** Rows per task of the preparation and finishing passes. */
  static final int PREP_BLOCK = 256;

  LossResult compute(Problem p, boolean backward) {
    if (closed) {
      throw new IllegalStateException("this InfoNce engine is closed");
    }
    TiledWorkspace x = workspace;
    x.prepare(p, backward, this);
    int rb = rowBlock(p.n);
    TiledForward f = TiledForward.run(this, p, x, rb, !backward);
    return backward ? TiledBackward.run(this, p, x, f, rb) : TiledForward.result(p, f);
  }

  private int rowBlock(int n) {
    int perThread = (n + 4 * threads - 1) / (4 * threads);
    int rb = (perThread + 7) / 8 * 8;
    return Math.max(8, Math.min(MAX_ROW_BLOCK, rb));
  }

  // ------------------------------------------------------------------------------ threads

  /** The work on rows {@code [r0, r0 + rows)}, done by worker {@code worker} (0 to threads - 1). */
  @FunctionalInterface
  interface BlockTask {
    void run(int worker, int r0, int rows);
  }

  /** Hands out row blocks of {@code rb} rows to the workers; rethrows the first failure. */
  void runBlocks(int n, int rb, BlockTask task) {
    int blocks = (n + rb - 1) / rb;
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(threads, blocks);
    List<Callable<Void>> jobs = new ArrayList<>(workers);
    for (int t = 0; t < workers; t++) {
      final int worker = t;
      jobs.add(() -> {
        for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
          int r0 = b * rb;
          task.run(worker, r0, Math.min(rb, n - r0));
        }
        return null;
      });
    }
    if (pool == null || workers == 1) {
      try {
        jobs.get(0).call();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return;
    }
    try {
      List<Future<Void>> done = pool.invokeAll(jobs);
      for (Future<Void> fut : done) {
        fut.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing the loss", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
