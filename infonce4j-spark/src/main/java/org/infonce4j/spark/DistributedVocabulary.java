package org.infonce4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.infonce4j.word2vec.Vocabulary;
import scala.Tuple2;

/**
 * The vocabulary of a distributed corpus: counted per partition in a hash map, summed with
 * {@code reduceByKey}, filtered by min-count on the executors, then sorted as infonce4j-word2vec's
 * {@link Vocabulary#build} sorts (count descending, ties in the words' string order), cut to the
 * maximum size and collected to the driver. Unlike the local count, nothing is pruned: the
 * distinct words of the corpus must fit the executors' shuffle, the kept ones the driver.
 */
public final class DistributedVocabulary {

  private DistributedVocabulary() {
  }

  /** Count descending, then the word (String order): the order of infonce4j-word2vec's vocabulary. */
  static final class ByCountThenWord implements Comparator<Tuple2<String, Long>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple2<String, Long> a, Tuple2<String, Long> b) {
      int c = Long.compare(b._2(), a._2());
      return c != 0 ? c : a._1().compareTo(b._1());
    }
  }

  /**
   * Counts {@code sentences} and keeps the words seen at least {@code minCount} times, at most
   * {@code maxSize} of them (0: no limit), most frequent first.
   *
   * @param sentences the tokenised sentences
   * @param minCount the fewest occurrences a kept word needs, at least 1
   * @param maxSize the most words kept, 0 for all
   * @param what what the corpus is, for error messages (e.g. its path)
   * @return the vocabulary
   * @throws IllegalArgumentException for an empty corpus or when no word reaches {@code minCount},
   *                                  with the messages of infonce4j-word2vec's {@link Vocabulary#build}
   */
  public static Vocabulary count(JavaRDD<String[]> sentences, int minCount, int maxSize, String what) {
    return fromCounts(sentences.mapPartitionsToPair(DistributedVocabulary::countPartition), minCount, maxSize, what);
  }

  /** The vocabulary of partitions already read into local dictionaries. */
  static Vocabulary countLocal(JavaRDD<LocalCorpus> corpus, int minCount, int maxSize, String what) {
    return fromCounts(corpus.mapPartitionsToPair(it -> it.next().counts()), minCount, maxSize, what);
  }

  /** What one reduce partition holds: distinct words, tokens and the kept words (at most maxSize, best first). */
  private record Summary(long distinct, long tokens, List<Tuple2<String, Long>> kept) implements Serializable {
  }

  private static Vocabulary fromCounts(JavaPairRDD<String, Long> partial, int minCount, int maxSize, String what) {
    if (minCount < 1) {
      throw new IllegalArgumentException("min-count must be at least 1, got " + minCount);
    }
    if (maxSize < 0) {
      throw new IllegalArgumentException("the maximum vocabulary size must be 0 (no limit) or positive, got " + maxSize);
    }
    // one job: sum the partitions' counts, then every reduce partition filters, sorts and cuts its share
    List<Summary> parts = partial.reduceByKey(Long::sum).mapPartitions(it -> {
      long distinct = 0;
      long tokens = 0;
      List<Tuple2<String, Long>> kept = new ArrayList<>();
      while (it.hasNext()) {
        Tuple2<String, Long> t = it.next();
        distinct++;
        tokens += t._2();
        if (t._2() >= minCount) {
          kept.add(t);
        }
      }
      kept.sort(new ByCountThenWord());
      if (maxSize > 0 && kept.size() > maxSize) {
        kept = new ArrayList<>(kept.subList(0, maxSize));
      }
      return List.of(new Summary(distinct, tokens, kept)).iterator();
    }).collect();
    long distinct = 0;
    long tokens = 0;
    List<Tuple2<String, Long>> chosen = new ArrayList<>();
    for (Summary p : parts) {
      distinct += p.distinct();
      tokens += p.tokens();
      chosen.addAll(p.kept());
    }
    if (tokens == 0) {
      throw new IllegalArgumentException(what + ": the corpus holds no word");
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException(what + ": no word occurs at least " + minCount + " times (" + distinct + " distinct words in "
          + tokens + " tokens); lower --min-count");
    }
    chosen.sort(new ByCountThenWord());
    int size = maxSize > 0 ? Math.min(maxSize, chosen.size()) : chosen.size();
    String[] words = new String[size];
    long[] n = new long[size];
    for (int i = 0; i < size; i++) {
      words[i] = chosen.get(i)._1();
      n[i] = chosen.get(i)._2();
    }
    return Vocabulary.of(words, n);
  }

  /** One partition's counts, combined locally before the shuffle. */
  private static Iterator<Tuple2<String, Long>> countPartition(Iterator<String[]> sentences) {
    Map<String, long[]> counts = new HashMap<>();
    while (sentences.hasNext()) {
      for (String w : sentences.next()) {
        counts.computeIfAbsent(w, k -> new long[1])[0]++;
      }
    }
    List<Tuple2<String, Long>> out = new ArrayList<>(counts.size());
    counts.forEach((w, c) -> out.add(new Tuple2<>(w, c[0])));
    return out.iterator();
  }
}
