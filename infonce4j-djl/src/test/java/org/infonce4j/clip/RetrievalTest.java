package org.infonce4j.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Recall@k with chance, the ceiling of indistinguishable candidates, and ties broken at random. */
class RetrievalTest {

  @Test
  void recallChanceCeilingAndTies() {
    // 3 queries x 4 candidates; query i's own candidate is i.
    float[] sim = {
        0.9f, 0.1f, 0.2f, 0.3f, // own first
        0.5f, 0.4f, 0.6f, 0.7f, // own fourth (two better... three better)
        0.3f, 0.8f, 0.8f, 0.1f, // own (2) tied with candidate 1 for first
    };
    Retrieval.Recall r = Retrieval.recall(sim, 3, 4, new int[] {0, 1, 2}, new int[] {1, 2, 4}, (q, c) -> q == 2 && c == 1);
    assertArrayEquals(new double[] {(1 + 0 + 0.5) / 3, (1 + 0 + 1) / 3.0, 1}, r.recall(), 1e-12);
    assertArrayEquals(new double[] {0.25, 0.5, 1}, r.chance(), 1e-12);
    // query 2 cannot tell candidates 1 and 2 apart: at best 1/2 at k = 1.
    assertArrayEquals(new double[] {(1 + 1 + 0.5) / 3, 1, 1}, r.ceiling(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Retrieval.recall(sim, 3, 5, new int[] {0, 1, 2}, new int[] {1}, (q, c) -> false));
    assertThrows(IllegalArgumentException.class, () -> Retrieval.recall(sim, 3, 4, new int[] {0, 1, 9}, new int[] {1}, (q, c) -> false));
  }
}
