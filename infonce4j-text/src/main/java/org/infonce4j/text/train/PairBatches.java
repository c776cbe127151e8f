package org.infonce4j.text.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.infonce4j.BitMatrix;
import org.infonce4j.text.beir.BeirDataset;

/**
 * The training pairs of a BEIR split (each judged query with each of its relevant documents), a dev split of whole queries held out
 * from them, and the batches of a step with their false negatives masked: a document that is another known positive of the query, or
 * the query's own document appearing twice in the batch, is excluded from the query's candidates instead of counted as a negative.
 */
public final class PairBatches {

  /**
   * One training pair.
   *
   * @param query    the query's id
   * @param document the relevant document's row in the corpus
   */
  public record Pair(String query, int document) {
  }

  /**
   * One step's texts and mask.
   *
   * @param queries   the batch's query texts, one per pair
   * @param documents the batch's document texts, one per pair (document i is query i's positive)
   * @param excluded  B x B: true where document j must not be a candidate of query i
   */
  public record Batch(List<String> queries, List<String> documents, BitMatrix excluded) {
  }

  private final BeirDataset data;
  private final List<Pair> pairs;
  private final Map<String, Set<Integer>> positives;
  private final Map<String, Map<String, Integer>> devQrels;

  private PairBatches(BeirDataset data, List<Pair> pairs, Map<String, Set<Integer>> positives, Map<String, Map<String, Integer>> devQrels) {
    this.data = data;
    this.pairs = pairs;
    this.positives = positives;
    this.devQrels = devQrels;
  }

  /**
   * The pairs of {@code data}'s split, with a share of its queries held out.
   *
   * @param data     the data, loaded with the training split
   * @param devShare share of the judged queries held out as dev (chosen by {@code seed}), in [0, 1)
   * @param seed     the seed of the choice
   * @return the pairs
   * @throws IllegalArgumentException when no training pair is left
   */
  public static PairBatches of(BeirDataset data, double devShare, long seed) {
    List<String> queries = new ArrayList<>(data.evaluatedQueryIds());
    Collections.shuffle(queries, new Random(seed));
    Set<String> dev = new HashSet<>(queries.subList(0, (int) Math.round(devShare * queries.size())));
    List<Pair> pairs = new ArrayList<>();
    Map<String, Set<Integer>> positives = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> devQrels = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Integer>> q : data.qrels().entrySet()) {
      if (dev.contains(q.getKey())) {
        devQrels.put(q.getKey(), q.getValue());
        continue;
      }
      if (data.queries().get(q.getKey()) == null) {
        throw new IllegalArgumentException(data + ": the " + data.split() + " qrels judge query '" + q.getKey() + "', which the queries file lacks");
      }
      Set<Integer> own = new HashSet<>();
      for (Map.Entry<String, Integer> d : q.getValue().entrySet()) {
        int row = data.documentIndex(d.getKey());
        if (d.getValue() > 0 && row >= 0) {
          pairs.add(new Pair(q.getKey(), row));
          own.add(row);
        }
      }
      positives.put(q.getKey(), own);
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException(data + ": no training pair in the " + data.split() + " qrels (relevance above 0, document in the corpus)");
    }
    return new PairBatches(data, List.copyOf(pairs), positives, devQrels);
  }

  /** {@return the training pairs} */
  public List<Pair> pairs() {
    return pairs;
  }

  /** {@return the dev queries' judgements, query id to (document id to relevance); empty without a dev split} */
  public Map<String, Map<String, Integer>> devQrels() {
    return devQrels;
  }

  /**
   * The order of the pairs in an epoch, from the seed and the epoch alone.
   *
   * @param seed  the run's seed
   * @param epoch the epoch, 1-based
   * @return a permutation of the pair indices
   */
  public int[] order(long seed, int epoch) {
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + epoch);
    int[] p = new int[pairs.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    for (int i = p.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * The batch of pairs {@code order[from..to)}.
   *
   * @param order an epoch's order
   * @param from  first position, inclusive
   * @param to    last position, exclusive
   * @return the texts and the mask of known positives and repeated documents
   */
  public Batch batch(int[] order, int from, int to) {
    int n = to - from;
    List<String> queries = new ArrayList<>(n);
    List<String> documents = new ArrayList<>(n);
    int[] docs = new int[n];
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      Pair p = pairs.get(order[from + i]);
      ids[i] = p.query();
      docs[i] = p.document();
      queries.add(data.queries().get(p.query()));
      documents.add(data.documentText(p.document()));
    }
    BitMatrix.Builder excluded = BitMatrix.builder(n, n); // B x B
    for (int i = 0; i < n; i++) {
      Set<Integer> own = positives.get(ids[i]);
      for (int j = 0; j < n; j++) {
        if (j != i && (docs[j] == docs[i] || own.contains(docs[j]))) {
          excluded.set(i, j);
        }
      }
    }
    return new Batch(queries, documents, excluded.build());
  }
}
