package org.infonce4j.word2vec;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Walker's alias table for drawing negatives from unigram counts raised to a power, in O(1) per
 * draw and O(V) memory (the word2vec tool's table of 10^8 ints is 400 MB).
 */
final class NoiseDistribution {
  private final int[] alias; // V
  private final int[] threshold; // V: keep column i when a 16-bit uniform is below this (0..65536)
  private final int size;

  NoiseDistribution(long[] counts, double power) {
    size = counts.length;
    alias = new int[size];
    threshold = new int[size];
    double[] p = new double[size];
    double total = 0;
    for (int i = 0; i < size; i++) {
      p[i] = Math.pow(counts[i], power);
      total += p[i];
    }
    // Vose: scale to mean 1, pair each small column with a large one.
    Deque<Integer> small = new ArrayDeque<>();
    Deque<Integer> large = new ArrayDeque<>();
    for (int i = 0; i < size; i++) {
      p[i] = p[i] * size / total;
      (p[i] < 1 ? small : large).push(i);
    }
    while (!small.isEmpty() && !large.isEmpty()) {
      int s = small.pop();
      int l = large.pop();
      threshold[s] = (int) Math.round(p[s] * 65536);
      alias[s] = l;
      p[l] = (p[l] + p[s]) - 1;
      (p[l] < 1 ? small : large).push(l);
    }
    for (int i : large) {
      threshold[i] = 65536;
      alias[i] = i;
    }
    for (int i : small) { // only rounding leaves columns here
      threshold[i] = 65536;
      alias[i] = i;
    }
  }

  /** A draw from 64 random bits: the high 32 pick the column, the next 16 the side. */
  int sample(long random) {
    int column = (int) (((random >>> 32) * size) >>> 32);
    int coin = (int) (random >>> 16) & 0xFFFF;
    return coin < threshold[column] ? column : alias[column];
  }
}
