package org.infonce4j.loss;

import org.infonce4j.Matrix;

/**
 * MoCo's queue of negatives: a fixed-capacity FIFO of {@code dim}-wide rows. {@link #enqueue}
 * appends a batch and drops the oldest rows once full; the capacity need not be a multiple of the
 * batch size (a batch that crosses the end of the ring is split in two), and a batch larger than
 * the capacity leaves only its newest rows. {@link #negatives()} returns the current contents, oldest
 * first, for {@link Batch#withQueue(Matrix)}.
 *
 * <p>Not thread-safe; one training loop owns a queue.
 */
public final class NegativeQueue {
  private final int capacity;
  private final int dim;
  private final float[] ring; // capacity x dim
  private int head; // the row the next enqueue writes
  private int size;
  private long enqueued;

  /**
   * @param capacity the most rows kept, at least 1 (MoCo: 4096 to 65536)
   * @param dim      the row width (the key dimension), at least 1
   */
  public NegativeQueue(int capacity, int dim) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
    }
    if (dim < 1) {
      throw new IllegalArgumentException("queue row width must be at least 1, got " + dim);
    }
    this.capacity = capacity;
    this.dim = dim;
    this.ring = new float[Math.multiplyExact(capacity, dim)];
  }

  /**
   * Appends the rows of {@code keys} ({@code B x dim}); the oldest rows leave once the queue is full.
   *
   * @param keys the new rows, finite, {@code dim} wide
   * @throws IllegalArgumentException when the width differs or a value is not finite
   */
  public void enqueue(Matrix keys) {
    if (keys.cols() != dim) {
      throw new IllegalArgumentException("queue rows have " + dim + " columns but the keys have " + keys.cols());
    }
    for (int r = 0; r < keys.rows(); r++) {
      float v;
      for (int c = 0; c < dim; c++) {
        v = keys.data()[r * dim + c];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("key row " + r + ", column " + c + " is " + v + "; the queue takes finite values only");
        }
      }
    }
    int rows = keys.rows();
    int skip = Math.max(0, rows - capacity); // only the newest `capacity` rows can stay
    int from = skip;
    while (from < rows) {
      int run = Math.min(rows - from, capacity - head); // up to the end of the ring
      System.arraycopy(keys.data(), from * dim, ring, head * dim, run * dim);
      head = (head + run) % capacity;
      from += run;
    }
    size = Math.min(capacity, size + rows);
    enqueued += rows;
  }

  /**
   * The rows held now, oldest first ({@code size() x dim}, a copy).
   *
   * @return a new matrix of the rows
   */
  public Matrix negatives() {
    float[] out = new float[size * dim]; // size x dim
    int oldest = (head - size + capacity) % capacity;
    int first = Math.min(size, capacity - oldest);
    System.arraycopy(ring, oldest * dim, out, 0, first * dim);
    System.arraycopy(ring, 0, out, first * dim, (size - first) * dim);
    return new Matrix(size, dim, out);
  }

  /**
   * Rows held now: {@code min(capacity, rows enqueued so far)}.
   *
   * @return the row count
   */
  public int size() {
    return size;
  }

  /**
   * The most rows the queue keeps.
   *
   * @return the capacity
   */
  public int capacity() {
    return capacity;
  }

  /**
   * The width of a row.
   *
   * @return the row width
   */
  public int dim() {
    return dim;
  }

  /**
   * Whether the queue holds {@link #capacity()} rows, so that the next enqueue drops the oldest.
   *
   * @return true when full
   */
  public boolean isFull() {
    return size == capacity;
  }

  /**
   * Rows enqueued since creation, kept or not.
   *
   * @return the count
   */
  public long enqueued() {
    return enqueued;
  }
}
