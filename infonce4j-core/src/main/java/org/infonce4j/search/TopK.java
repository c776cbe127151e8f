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

  public TopK(int k) {
    this.k = k;
    this.index = new int[k];
    this.score = new float[k];
  }

  /** A candidate must score above this to enter: minus infinity until k are held. */
  public float threshold() {
    return size < k ? Float.NEGATIVE_INFINITY : score[k - 1];
  }

  /** Adds a candidate; the caller has checked {@code s > threshold()}. */
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

  public int size() {
    return size;
  }

  public int index(int rank) {
    return index[rank];
  }

  public float score(int rank) {
    return score[rank];
  }

  public void clear() {
    size = 0;
  }

  @Override
  public String toString() {
    return "TopK" + Arrays.toString(Arrays.copyOf(index, size));
  }
}
