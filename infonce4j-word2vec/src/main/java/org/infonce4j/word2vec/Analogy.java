package org.infonce4j.word2vec;

import org.infonce4j.search.UnitIndex;
import org.infonce4j.search.TopK;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.infonce4j.kernels.Kernels;

/**
 * Word analogies by 3CosAdd on the Google analogy test set format, with the semantics of gensim
 * 4's {@code KeyedVectors.evaluate_word_analogies(questions, restrict_vocab, case_insensitive,
 * dummy4unknown=False)} (as read in gensim 4.2's {@code gensim/models/keyedvectors.py}:
 * {@code evaluate_word_analogies}, {@code most_similar}, {@code get_mean_vector}).
 *
 * <p>File format (UTF-8): a line {@code ": name"} starts a section; every other line is a question
 * {@code a b c d} (four words separated by white space) meaning "a is to b as c is to d". Blank
 * lines are ignored. Unlike gensim, which skips them silently, a question line with another number
 * of words, or before the first section, is an error naming its line.
 *
 * <p>Semantics: the candidates are the first {@code restrict} words of the vectors (file order,
 * which is frequency order for the word2vec tool's output). Case-insensitively (the default), words
 * are compared upper-cased ({@link String#toUpperCase(Locale)} with {@link Locale#ROOT}); when two
 * candidates upper-case alike, the first (most frequent) one stands for both. A question with a
 * word that is not a candidate is skipped. Otherwise the answer is ranked by the cosine similarity
 * of each candidate to {@code unit(b) - unit(a) + unit(c)} (any positive scale of it ranks alike);
 * the vectors of a, b and c themselves are left out, the five best remaining candidates are taken,
 * and the prediction is the first of them that is none of a, b, c after case folding (if all five
 * are, the last of them, as gensim's loop leaves it). The question is correct when the prediction
 * equals d after case folding. Ties in similarity go to the lower index (gensim leaves them to
 * numpy's partition order). Zero vectors score 0 against everything.
 *
 * <p>Speed: a question's scores are a sum of three rows of the similarity matrix between the
 * distinct question words and the candidates; that matrix is computed one tile of 256 candidates
 * at a time with the loss engine's dot-product kernel, and the five best per question are kept as
 * the tiles stream by. Memory per thread: about 2 KiB per distinct question word and 100 bytes
 * per question, besides the unit-length copy of the candidates.
 */
public final class Analogy {

  /** The default candidate count, the C tool's compute-accuracy threshold (gensim's own default is 300000). */
  public static final int DEFAULT_RESTRICT = 30_000;

  private static final int TOP = 5; // gensim's topn in evaluate_word_analogies

  private Analogy() {
  }

  /**
   * {@link #evaluate(WordVectors, Path, int, boolean, int)} with restrict 30000, case-insensitive, one thread.
   *
   * @param vectors the word vectors, candidates in file order
   * @param questions the question file (UTF-8, the Google analogy test set format)
   * @return the per-section and total counts
   */
  public static AnalogyResult evaluate(WordVectors vectors, Path questions) {
    return evaluate(vectors, questions, DEFAULT_RESTRICT, true, 1);
  }

  /**
   * Evaluates the questions in {@code questions}.
   *
   * @param vectors the word vectors, candidates in file order
   * @param questions the question file (UTF-8, the Google analogy test set format)
   * @param restrict the candidate words are the first {@code restrict} (all, if there are fewer)
   * @param caseInsensitive compare upper-cased words (gensim's default) or exact words
   * @param threads worker threads, at least 1
   * @throws IllegalArgumentException for a malformed question file (naming file and line), or
   *     {@code restrict} or {@code threads} below 1
   * @return the per-section and total counts
   * @throws UncheckedIOException if the file cannot be read
   */
  public static AnalogyResult evaluate(WordVectors vectors, Path questions, int restrict, boolean caseInsensitive,
      int threads) {
    return run(vectors, questions, restrict, caseInsensitive, threads).result();
  }

  /**
   * The evaluation with its per-question outcomes: {@code right[q]} for the q-th question that was
   * not skipped, found on line {@code lines[q]} (from 1) of the file.
   */
  record Run(AnalogyResult result, int[] lines, boolean[] right) {
  }

  static Run run(WordVectors vectors, Path questions, int restrict, boolean caseInsensitive, int threads) {
    if (restrict < 1 || threads < 1) {
      throw new IllegalArgumentException("restrict and threads must be at least 1, got " + restrict + " and " + threads);
    }
    int rows = Math.min(restrict, vectors.size());
    Map<String, Integer> ok = new HashMap<>();
    int[] canon = new int[rows]; // candidate -> the first candidate that folds to the same key
    for (int i = 0; i < rows; i++) {
      String key = fold(vectors.word(i), caseInsensitive);
      Integer first = ok.putIfAbsent(key, i);
      canon[i] = first == null ? i : first;
    }
    Questions qs = parse(questions, ok, caseInsensitive);
    boolean[] right = solve(new UnitIndex(vectors.vectors(), rows), canon, qs, threads);
    int[] correct = new int[qs.names.size()];
    int[] incorrect = new int[qs.names.size()];
    for (int q = 0; q < qs.n; q++) {
      if (right[q]) {
        correct[qs.section[q]]++;
      } else {
        incorrect[qs.section[q]]++;
      }
    }
    List<AnalogyResult.Section> sections = new ArrayList<>();
    for (int s = 0; s < correct.length; s++) {
      sections.add(new AnalogyResult.Section(qs.names.get(s), correct[s], incorrect[s], qs.skipped.get(s)));
    }
    return new Run(AnalogyResult.of(sections), Arrays.copyOf(qs.line, qs.n), right);
  }

  private static String fold(String word, boolean caseInsensitive) {
    return caseInsensitive ? word.toUpperCase(Locale.ROOT) : word;
  }

  /**
   * Answers every question; {@code right[q]} says whether question q was answered correctly.
   *
   * <p>The score of candidate i for question (a, b, c) is {@code u_i . (u_b + u_c - u_a)} =
   * {@code S[b][i] + S[c][i] - S[a][i]} with {@code S[w][i] = u_w . u_i}. Questions share few words
   * (the Google set has 905 for 19544 questions), so S is computed for the distinct question words
   * only, one tile of 256 candidates at a time, and each question combines three of its rows. Each
   * thread takes a contiguous range of tiles and keeps its own five best per question; the lists are
   * merged in tile order, which keeps ties going to the lower index.
   */
  private static boolean[] solve(UnitIndex index, int[] canon, Questions qs, int threads) {
    int[] row = new int[canon.length]; // candidate -> its row in the word block, or -1
    Arrays.fill(row, -1);
    int[] words = new int[Math.min(canon.length, 3 * qs.n)];
    int nw = 0;
    int[][] abc = {qs.a, qs.b, qs.c};
    for (int[] column : abc) {
      for (int q = 0; q < qs.n; q++) {
        if (row[column[q]] < 0) {
          row[column[q]] = nw;
          words[nw++] = column[q];
        }
      }
    }
    int depth = index.depth();
    float[] queries = new float[Math.multiplyExact(nw, depth)]; // nw x depth, unit rows
    for (int w = 0; w < nw; w++) {
      index.addUnit(words[w], 1f, queries, w * depth);
    }
    int tiles = index.tiles();
    int workers = Math.max(1, Math.min(threads, tiles));
    TopK[][] best = new TopK[workers][];
    int queryRows = nw;
    if (workers == 1) {
      best[0] = scanTiles(index, qs, row, queries, queryRows, 0, tiles);
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
        Thread t = new Thread(r, "infonce4j-analogy");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<TopK[]>> parts = new ArrayList<>();
        for (int t = 0; t < workers; t++) {
          int t0 = (int) ((long) tiles * t / workers);
          int t1 = (int) ((long) tiles * (t + 1) / workers);
          parts.add(pool.submit(() -> scanTiles(index, qs, row, queries, queryRows, t0, t1)));
        }
        for (int t = 0; t < workers; t++) {
          best[t] = parts.get(t).get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while evaluating analogies", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    boolean[] right = new boolean[qs.n];
    TopK merged = new TopK(TOP);
    for (int q = 0; q < qs.n; q++) {
      merged.clear();
      for (TopK[] part : best) {
        TopK p = part[q];
        for (int r = 0; r < p.size() && p.score(r) > merged.threshold(); r++) {
          merged.offer(p.index(r), p.score(r));
        }
      }
      int a = qs.a[q];
      int b = qs.b[q];
      int c = qs.c[q];
      int predicted = -1;
      for (int r = 0; r < merged.size(); r++) {
        predicted = canon[merged.index(r)];
        if (predicted != a && predicted != b && predicted != c) {
          break;
        }
      }
      right[q] = predicted == qs.d[q];
    }
    return right;
  }

  /** The five best candidates of every question among column tiles {@code [t0, t1)}. */
  private static TopK[] scanTiles(UnitIndex index, Questions qs, int[] row, float[] queries, int nw, int t0, int t1) {
    Kernels kernels = index.kernels();
    int tile = UnitIndex.TILE;
    float[][] s = new float[(nw + tile - 1) / tile][tile * tile]; // nw x TILE, in blocks of TILE rows
    float[][] sim = new float[nw][tile]; // the same, one array per word: zero offsets let HotSpot vectorise
    float[] combined = new float[tile];
    TopK[] best = new TopK[qs.n];
    for (int q = 0; q < qs.n; q++) {
      best[q] = new TopK(TOP);
    }
    for (int t = t0; t < t1; t++) {
      int n = index.tile(queries, nw, t, s);
      for (int w = 0; w < nw; w++) {
        System.arraycopy(s[w / tile], w % tile * tile, sim[w], 0, n);
      }
      int c0 = t * tile;
      for (int q = 0; q < qs.n; q++) {
        int a = qs.a[q];
        int b = qs.b[q];
        int c = qs.c[q];
        float[] sa = sim[row[a]];
        float[] sb = sim[row[b]];
        float[] sc = sim[row[c]];
        for (int j = 0; j < n; j++) {
          combined[j] = sb[j] + sc[j] - sa[j];
        }
        TopK top = best[q];
        float threshold = top.threshold();
        for (int j = kernels.nextAbove(combined, 0, 0, n, threshold); j >= 0; j = kernels.nextAbove(combined, 0, j + 1, n, threshold)) {
          int cand = c0 + j;
          if (cand != a && cand != b && cand != c) {
            top.offer(cand, combined[j]);
            threshold = top.threshold();
          }
        }
      }
    }
    return best;
  }

  /** The parsed question file: candidate indices of the questions that are not skipped. */
  private static final class Questions {
    final List<String> names = new ArrayList<>();
    final List<Integer> skipped = new ArrayList<>();
    int n;
    int[] a = new int[1024];
    int[] b = new int[1024];
    int[] c = new int[1024];
    int[] d = new int[1024];
    int[] section = new int[1024];
    int[] line = new int[1024];

    void add(int qa, int qb, int qc, int qd, int at) {
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
        b = Arrays.copyOf(b, 2 * n);
        c = Arrays.copyOf(c, 2 * n);
        d = Arrays.copyOf(d, 2 * n);
        section = Arrays.copyOf(section, 2 * n);
        line = Arrays.copyOf(line, 2 * n);
      }
      line[n] = at;
      a[n] = qa;
      b[n] = qb;
      c[n] = qc;
      d[n] = qd;
      section[n++] = names.size() - 1;
    }
  }

  private static Questions parse(Path file, Map<String, Integer> ok, boolean caseInsensitive) {
    Questions qs = new Questions();
    Lines.read(file, (text, line) -> {
      if (text.startsWith(": ")) {
        qs.names.add(text.replaceFirst("^[: ]+", "").strip());
        qs.skipped.add(0);
        return;
      }
      String trimmed = text.strip();
      if (trimmed.isEmpty()) {
        return;
      }
      String[] w = trimmed.split("\\s+");
      if (w.length != 4) {
        throw new IllegalArgumentException(file + ": line " + line
            + ": expected a question of 4 words or a ': section' line, got " + w.length + " words");
      }
      if (qs.names.isEmpty()) {
        throw new IllegalArgumentException(file + ": line " + line + ": a question before the first ': section' line");
      }
      Integer qa = ok.get(fold(w[0], caseInsensitive));
      Integer qb = ok.get(fold(w[1], caseInsensitive));
      Integer qc = ok.get(fold(w[2], caseInsensitive));
      Integer qd = ok.get(fold(w[3], caseInsensitive));
      if (qa == null || qb == null || qc == null || qd == null) {
        int s = qs.names.size() - 1;
        qs.skipped.set(s, qs.skipped.get(s) + 1);
      } else {
        qs.add(qa, qb, qc, qd, line);
      }
    });
    return qs;
  }
}
