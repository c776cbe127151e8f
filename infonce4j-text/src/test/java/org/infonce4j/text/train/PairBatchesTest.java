package org.infonce4j.text.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.infonce4j.text.beir.Beir;
import org.infonce4j.text.beir.BeirDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training pairs, the dev split and the masks of a step's batch. */
class PairBatchesTest {

  @TempDir
  Path dir;

  @Test
  void pairsAreTheRelevantJudgementsAndTheDevSplitHoldsWholeQueries() throws IOException {
    BeirDataset train = Beir.load(TinyBeir.write(dir), "train");
    PairBatches all = PairBatches.of(train, 0, 1);
    assertEquals(2 * TinyBeir.TOPICS.length, all.pairs().size(), "relevance 0 is no pair");
    assertTrue(all.devQrels().isEmpty());

    PairBatches split = PairBatches.of(train, 0.25, 1);
    assertEquals(2, split.devQrels().size(), "a quarter of 8 queries");
    Set<String> trained = new HashSet<>();
    split.pairs().forEach(p -> trained.add(p.query()));
    for (String q : split.devQrels().keySet()) {
      assertFalse(trained.contains(q), q + " is held out and trained on");
    }
    assertEquals(2 * (TinyBeir.TOPICS.length - 2), split.pairs().size());
    assertEquals(split.devQrels().keySet(), PairBatches.of(train, 0.25, 1).devQrels().keySet(), "the seed decides");
  }

  @Test
  void theOrderComesFromTheSeedAndTheEpochAlone() throws IOException {
    PairBatches p = PairBatches.of(Beir.load(TinyBeir.write(dir), "train"), 0, 1);
    assertArrayEquals(p.order(7, 2), p.order(7, 2));
    assertNotEquals(java.util.Arrays.toString(p.order(7, 1)), java.util.Arrays.toString(p.order(7, 2)));
    int[] o = p.order(7, 3).clone();
    java.util.Arrays.sort(o);
    for (int i = 0; i < o.length; i++) {
      assertEquals(i, o[i], "a permutation");
    }
  }

  @Test
  void anotherPositiveOfTheQueryAndARepeatedDocumentAreMaskedNotNegatives() throws IOException {
    BeirDataset train = Beir.load(TinyBeir.write(dir), "train");
    PairBatches p = PairBatches.of(train, 0, 1);
    // Pairs 0 and 1 are q0's two documents; pair 2 is q1's first. A batch of pairs 0, 1, 2 and 0 again.
    int[] order = {0, 1, 2, 0};
    PairBatches.Batch b = p.batch(order, 0, 4);
    assertEquals(4, b.queries().size());
    assertEquals(b.queries().get(0), b.queries().get(1), "one query, two positives");
    assertTrue(b.excluded().get(0, 1) && b.excluded().get(1, 0), "q0's other positive is not its negative");
    assertTrue(b.excluded().get(0, 3) && b.excluded().get(3, 0), "the same document twice");
    assertTrue(b.excluded().get(1, 3), "pair 3's document is q0's positive too");
    assertFalse(b.excluded().get(0, 2) || b.excluded().get(2, 0) || b.excluded().get(2, 1), "another query's document is a negative");
    for (int i = 0; i < 4; i++) {
      assertFalse(b.excluded().get(i, i), "the positive itself is never masked");
    }
  }
}
