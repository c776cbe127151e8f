package org.infonce4j.word2vec;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.infonce4j.Matrix;

/**
 * Words and their vectors: word {@code i} of {@link #words()} owns row {@code i} of
 * {@link #vectors()} ({@code size() x dim()}, float32). The order is the file order, which for the
 * word2vec tool's output is descending frequency; evaluation code that restricts itself to "the
 * first N words" relies on it.
 *
 * <p>Immutable as far as its own API goes. Like {@link Matrix}, it does not copy the matrix it is
 * given: the caller hands the matrix over and must not write to its data afterwards, and
 * {@link #vectors()} returns that same matrix (treat it as read-only). Words are unique; lookup by
 * word is a hash map, exact and case-sensitive.
 */
public final class WordVectors {

  private final String[] words;
  private final Matrix vectors; // size x dim
  private final Map<String, Integer> index;

  /**
   * Pairs {@code words[i]} with row {@code i} of {@code vectors}.
   *
   * @param words the words, unique (copied)
   * @param vectors their vectors, one row per word (not copied)
   * @throws IllegalArgumentException if {@code vectors} is null, a word is null, a word occurs twice (the message names it
   *     and both indices), or the number of words differs from the number of rows
   */
  public WordVectors(String[] words, Matrix vectors) {
    this(words.clone(), vectors, null);
  }

  /** Takes ownership of {@code words}; builds the index unless one is given (the reader builds it). */
  WordVectors(String[] words, Matrix vectors, Map<String, Integer> prebuilt) {
    if (vectors == null) {
      throw new IllegalArgumentException("vectors is null");
    }
    if (words.length != vectors.rows()) {
      throw new IllegalArgumentException(
          words.length + " words but " + vectors.rows() + " vectors (" + vectors.rows() + " x " + vectors.cols() + ")");
    }
    Map<String, Integer> map = prebuilt;
    if (map == null) {
      map = new HashMap<>(Math.max(16, (int) (words.length / 0.75f) + 1));
      for (int i = 0; i < words.length; i++) {
        if (words[i] == null) {
          throw new IllegalArgumentException("word " + i + " is null");
        }
        Integer previous = map.putIfAbsent(words[i], i);
        if (previous != null) {
          throw new IllegalArgumentException(
              "duplicate word '" + words[i] + "' at index " + previous + " and index " + i);
        }
      }
    }
    this.words = words;
    this.vectors = vectors;
    this.index = map;
  }

  /**
   * The number of words (rows).
   *
   * @return V
   */
  public int size() {
    return words.length;
  }

  /**
   * The vector length (columns).
   *
   * @return the dimension
   */
  public int dim() {
    return vectors.cols();
  }

  /**
   * The words in file order: an unmodifiable view, not a copy.
   *
   * @return the words
   */
  public List<String> words() {
    return Collections.unmodifiableList(Arrays.asList(words));
  }

  /**
   * Word {@code i}.
   *
   * @param i a row in [0, {@link #size()})
   * @return the word
   */
  public String word(int i) {
    return words[i];
  }

  /**
   * The index of {@code word}, or -1 when it has no vector. Exact, case-sensitive.
   *
   * @param word the word looked up
   * @return its row, or -1
   */
  public int index(String word) {
    Integer i = index.get(word);
    return i == null ? -1 : i;
  }

  /**
   * Whether {@code word} has a vector.
   *
   * @param word the word looked up (exact, case-sensitive)
   * @return true when it is one of the words
   */
  public boolean contains(String word) {
    return index.containsKey(word);
  }

  /**
   * A copy of the vector of {@code word}.
   *
   * @param word the word looked up (exact, case-sensitive)
   * @return its {@link #dim()} values
   * @throws IllegalArgumentException if the word has no vector
   */
  public float[] vector(String word) {
    int i = index(word);
    if (i < 0) {
      throw new IllegalArgumentException("no vector for the word '" + word + "'");
    }
    return vectors.row(i);
  }

  /**
   * A copy of row {@code i}.
   *
   * @param i a row in [0, {@link #size()})
   * @return its {@link #dim()} values
   */
  public float[] vector(int i) {
    return vectors.row(i);
  }

  /**
   * The vectors, {@code size() x dim()}, row {@code i} for word {@code i}; not a copy: do not modify.
   *
   * @return the matrix given to the constructor
   */
  public Matrix vectors() {
    return vectors;
  }

  /** Package view of the word array (not a copy). */
  String[] wordArray() {
    return words;
  }

  @Override
  public String toString() {
    return "WordVectors[" + size() + " x " + dim() + "]";
  }
}
