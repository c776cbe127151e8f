package org.infonce4j.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;

class WordVectorsTest {

  @Test
  void lookups() {
    Matrix m = Matrix.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    String[] words = {"a", "b", "A"};
    WordVectors v = new WordVectors(words, m);
    words[0] = "changed"; // the constructor copied the array
    assertEquals(3, v.size());
    assertEquals(2, v.dim());
    assertEquals(List.of("a", "b", "A"), v.words());
    assertEquals("A", v.word(2));
    assertEquals(2, v.index("A"));
    assertEquals(-1, v.index("B"));
    assertTrue(v.contains("b"));
    assertFalse(v.contains("c"));
    assertArrayEquals(new float[] {3, 4}, v.vector("b"));
    assertArrayEquals(new float[] {5, 6}, v.vector(2));
    assertSame(m, v.vectors());
    assertEquals("no vector for the word 'z'", assertThrows(IllegalArgumentException.class, () -> v.vector("z")).getMessage());
    assertThrows(UnsupportedOperationException.class, () -> v.words().set(0, "x"));
  }

  @Test
  void rejectsDuplicatesMismatchesAndNulls() {
    Matrix m = Matrix.zeros(4, 2);
    assertEquals("duplicate word 'b' at index 1 and index 3", assertThrows(IllegalArgumentException.class,
        () -> new WordVectors(new String[] {"a", "b", "c", "b"}, m)).getMessage());
    assertEquals("3 words but 4 vectors (4 x 2)", assertThrows(IllegalArgumentException.class,
        () -> new WordVectors(new String[] {"a", "b", "c"}, m)).getMessage());
    assertEquals("word 1 is null", assertThrows(IllegalArgumentException.class,
        () -> new WordVectors(new String[] {"a", null, "c", "d"}, m)).getMessage());
  }
}
