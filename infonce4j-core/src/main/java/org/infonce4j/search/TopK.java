package org.infonce4j.search;

import java.util.Arrays;

/**
 * The {@code k} best (index, score) pairs seen so far, best first; equal scores keep the order in
 * which they were offered, so offering candidates by ascending index breaks ties toward the lower
 * index. Insertion is O(k): meant for small k, where almost every candidate is rejected by one
 * comparison with {@link #threshold()}.
 */
public final class TopK {

  private final int k;
  private final int[] index;
  private final float[] score;
  private int size;

  /**
   * An empty selection of the {@code k} best.
   *
   * @param k how many pairs to keep, at least 1
   */
  public TopK(int k) {
    this.k = k;
    this.index = new int[k];
    this.score = new float[k];
  }

  /**
   * A candidate must score above this to enter: minus infinity until k are held.
   *
   * @return the score to beat
   */
  public float threshold() {
    return size < k ? Float.NEGATIVE_INFINITY : score[k - 1];
  }

  /**
   * Adds a candidate; the caller has checked {@code s > threshold()}.
   *
   * @param i the candidate's index
   * @param s its score
   */
  public void offer(int i, float s) {
    int at = size < k ? size : k - 1;
    while (at > 0 && score[at - 1] < s) {
      if (at < k) {
        index[at] = index[at - 1];
        score[at] = score[at - 1];
      }
      at--;
    }
    index[at] = i;
    score[at] = s;
    if (size < k) {
      size++;
    }
  }

  /**
   * How many pairs are held, at most k.
   *
   * @return the count
   */
  public int size() {
    return size;
  }

  /**
   * The index of the pair at {@code rank}, 0 being the best.
   *
   * @param rank the rank, below {@link #size()}
   * @return the candidate's index
   */
  public int index(int rank) {
    return index[rank];
  }

  /**
   * The score of the pair at {@code rank}, 0 being the best.
   *
   * @param rank the rank, below {@link #size()}
   * @return the score
   */
  public float score(int rank) {
    return score[rank];
  }

  /**
   * Forgets every pair, to reuse the selection for the next query.
   */
  public void clear() {
    size = 0;
  }

  @Override
  public String toString() {
    return "TopK" + Arrays.toString(Arrays.copyOf(index, size));
  }
}
