package org.infonce4j.word2vec;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Word-similarity evaluation (WordSim-353, SimLex-999 and the like) with the semantics of gensim
 * 4's {@code KeyedVectors.evaluate_word_pairs(pairs, delimiter='\t', restrict_vocab,
 * case_insensitive, dummy4unknown=False)} (gensim 4.2's {@code gensim/models/keyedvectors.py}).
 *
 * <p>File format (UTF-8): lines {@code word1 TAB word2 TAB score}; lines starting with {@code '#'}
 * and blank lines are ignored. Unlike gensim, which skips them silently, a line that does not split
 * into exactly three tab-separated fields, or whose score is not a finite number, is an error naming
 * its line. Words are taken as they stand between the tabs.
 *
 * <p>Semantics: the candidate words are the first {@code restrict} of the vectors; with
 * {@code caseInsensitive} (the default) words are compared upper-cased ({@link Locale#ROOT}), the
 * first candidate of each upper-cased form standing for all of them. A pair with a word that is not
 * a candidate is skipped and counted. For the others the model's score is the cosine similarity of
 * the two vectors (in double precision; 0 when a vector is zero), and the result holds Spearman's
 * rank correlation (average ranks for ties, as {@code scipy.stats.spearmanr}) and Pearson's
 * correlation between the human and the model scores.
 */
public final class WordSimilarity {

  /** The default candidate count, gensim's default {@code restrict_vocab}. */
  public static final int DEFAULT_RESTRICT = 300_000;

  private WordSimilarity() {
  }

  /**
   * {@link #evaluate(WordVectors, Path, int, boolean)} with restrict 300000, case-insensitive.
   *
   * @param vectors the word vectors, candidates in file order
   * @param pairs the pair file (UTF-8, {@code word1 TAB word2 TAB score} lines)
   * @return the correlations and pair counts
   */
  public static WordSimilarityResult evaluate(WordVectors vectors, Path pairs) {
    return evaluate(vectors, pairs, DEFAULT_RESTRICT, true);
  }

  /**
   * Evaluates the pairs in {@code pairs}.
   *
   * @param vectors the word vectors, candidates in file order
   * @param pairs the pair file (UTF-8, {@code word1 TAB word2 TAB score} lines)
   * @param restrict the candidate words are the first {@code restrict} (all, if there are fewer)
   * @param caseInsensitive compare upper-cased words (gensim's default) or exact words
   * @return the correlations and pair counts
   * @throws IllegalArgumentException for a malformed line (naming file and line), when no pair has
   *     both words among the candidates, or {@code restrict < 1}
   * @throws UncheckedIOException if the file cannot be read
   */
  public static WordSimilarityResult evaluate(WordVectors vectors, Path pairs, int restrict, boolean caseInsensitive) {
    if (restrict < 1) {
      throw new IllegalArgumentException("restrict must be at least 1, got " + restrict);
    }
    int rows = Math.min(restrict, vectors.size());
    Map<String, Integer> ok = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      ok.putIfAbsent(fold(vectors.word(i), caseInsensitive), i);
    }
    Pairs found = new Pairs();
    Lines.read(pairs, (text, line) -> {
      if (text.startsWith("#") || text.isBlank()) {
        return;
      }
      String[] f = text.split("\t", -1);
      double score = f.length == 3 ? parseScore(f[2]) : Double.NaN;
      if (f.length != 3 || !Double.isFinite(score)) {
        throw new IllegalArgumentException(pairs + ": line " + line + ": expected 'word1<TAB>word2<TAB>score', got '"
            + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'");
      }
      Integer a = ok.get(fold(f[0], caseInsensitive));
      Integer b = ok.get(fold(f[1], caseInsensitive));
      if (a == null || b == null) {
        found.skipped++;
      } else {
        found.add(score, cosine(vectors, a, b));
      }
    });
    int n = found.n;
    int skipped = found.skipped;
    if (n == 0) {
      throw new IllegalArgumentException(pairs + ": no pair has both words among the first " + rows + " words ("
          + skipped + " skipped)");
    }
    double[] human = Arrays.copyOf(found.human, n);
    double[] model = Arrays.copyOf(found.model, n);
    return new WordSimilarityResult(spearman(human, model), pearson(human, model), n, skipped);
  }

  /**
   * Spearman's rank correlation: Pearson's correlation of the average ranks.
   *
   * @param x the first values
   * @param y the second values, as many
   * @return the correlation in [-1, 1]; NaN when either side is constant, the lengths differ or
   *     there are no values
   */
  public static double spearman(double[] x, double[] y) {
    return pearson(ranks(x), ranks(y));
  }

  /**
   * Pearson's correlation coefficient; NaN when either side is constant or the lengths differ.
   *
   * @param x the first values
   * @param y the second values, as many
   * @return the correlation in [-1, 1]; NaN when either side is constant, the lengths differ or
   *     there are no values
   */
  public static double pearson(double[] x, double[] y) {
    if (x.length != y.length || x.length == 0) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  }

  /** Ranks from 1, ties sharing the average of the ranks they span (scipy's {@code rankdata}). */
  static double[] ranks(double[] x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < x.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (p, q) -> Double.compare(x[p], x[q]));
    double[] rank = new double[x.length];
    for (int i = 0; i < x.length;) {
      int j = i;
      while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = average;
      }
      i = j + 1;
    }
    return rank;
  }

  /** Human and model scores of the pairs kept so far. */
  private static final class Pairs {
    double[] human = new double[64];
    double[] model = new double[64];
    int n;
    int skipped;

    void add(double h, double m) {
      if (n == human.length) {
        human = Arrays.copyOf(human, 2 * n);
        model = Arrays.copyOf(model, 2 * n);
      }
      human[n] = h;
      model[n++] = m;
    }
  }

  private static double parseScore(String s) {
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static double cosine(WordVectors vectors, int a, int b) {
    float[] data = vectors.vectors().data(); // V x dim
    int dim = vectors.dim();
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < dim; k++) {
      double x = data[a * dim + k];
      double y = data[b * dim + k];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  private static String fold(String word, boolean caseInsensitive) {
    return caseInsensitive ? word.toUpperCase(Locale.ROOT) : word;
  }
}
