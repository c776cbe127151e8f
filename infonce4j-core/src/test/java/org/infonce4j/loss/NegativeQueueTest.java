package org.infonce4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;

/** The FIFO queue against a plain deque model, with capacities that batches do not divide. */
class NegativeQueueTest {

  /** A batch whose row r holds the id (first + r) in every column, so rows can be traced. */
  private static Matrix batch(int first, int rows, int dim) {
    float[] v = new float[rows * dim]; // rows x dim
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < dim; c++) {
        v[r * dim + c] = first + r + c * 0.001f;
      }
    }
    return new Matrix(rows, dim, v);
  }

  @Test
  void wrapsAroundWhenCapacityIsNotAMultipleOfTheBatch() {
    NegativeQueue q = new NegativeQueue(10, 3);
    Deque<Integer> model = new ArrayDeque<>();
    int next = 0;
    for (int step = 0; step < 9; step++) {
      int rows = 4;
      q.enqueue(batch(next, rows, 3));
      for (int r = 0; r < rows; r++) {
        model.addLast(next + r);
        if (model.size() > 10) {
          model.removeFirst();
        }
      }
      next += rows;
      assertMatchesModel(q, model, 3);
    }
    assertTrue(q.isFull());
    assertEquals(36, q.enqueued());
  }

  @Test
  void randomBatchSizesIncludingLargerThanCapacity() {
    Random rnd = new Random(7);
    for (int capacity : new int[] {1, 7, 17, 64}) {
      NegativeQueue q = new NegativeQueue(capacity, 2);
      Deque<Integer> model = new ArrayDeque<>();
      int next = 0;
      for (int step = 0; step < 50; step++) {
        int rows = rnd.nextInt(2 * capacity + 2);
        q.enqueue(batch(next, rows, 2));
        for (int r = 0; r < rows; r++) {
          model.addLast(next + r);
          if (model.size() > capacity) {
            model.removeFirst();
          }
        }
        next += rows;
        assertMatchesModel(q, model, 2);
      }
    }
  }

  @Test
  void startsEmptyAndFillsUp() {
    NegativeQueue q = new NegativeQueue(5, 4);
    assertEquals(0, q.size());
    assertEquals(0, q.negatives().rows());
    q.enqueue(batch(0, 3, 4));
    assertEquals(3, q.size());
    assertFalse(q.isFull());
    q.enqueue(batch(3, 3, 4));
    assertEquals(5, q.size());
    assertTrue(q.isFull());
  }

  @Test
  void rejectsBadInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NegativeQueue(0, 4));
    assertTrue(e.getMessage().contains("capacity"), e.getMessage());
    NegativeQueue q = new NegativeQueue(4, 3);
    e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(batch(0, 2, 5)));
    assertTrue(e.getMessage().contains("3") && e.getMessage().contains("5"), e.getMessage());
    Matrix bad = batch(0, 2, 3);
    bad.data()[4] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(bad));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    assertEquals(0, q.size(), "a rejected batch leaves the queue untouched");
  }

  private static void assertMatchesModel(NegativeQueue q, Deque<Integer> model, int dim) {
    Matrix m = q.negatives();
    assertEquals(model.size(), q.size());
    assertEquals(model.size(), m.rows());
    int r = 0;
    for (int id : model) {
      for (int c = 0; c < dim; c++) {
        assertEquals(id + c * 0.001f, m.get(r, c), 0f, "row " + r + " column " + c);
      }
      r++;
    }
  }
}
