package org.infonce4j.text.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.infonce4j.eval.Ranking;
import org.infonce4j.text.beir.BeirDataset;

/**
 * Lexical retrieval with Okapi BM25 (Lucene's {@link BM25Similarity}) over a corpus held in
 * memory: the baseline of the BEIR benchmark, and a source of hard negatives (documents that share
 * words with a query but are not judged relevant). Each document is one text field, for BEIR data
 * its title, a space and its text ({@link BeirDataset#documentText}). A query is analysed like the
 * documents and becomes a disjunction of its terms, a term repeated n times weighing n times (as
 * Lucene's query parser would score it). Thread-safe once built.
 */
public final class Bm25Index implements Closeable {

  /** How text becomes terms. */
  public enum Analysis {
    /** Lucene's EnglishAnalyzer: standard tokens, lower case, English stop words, Porter stemming. */
    ENGLISH,
    /** Lucene's StandardAnalyzer: standard tokens, lower case, no stop words, no stemming. */
    STANDARD
  }

  /** Lucene's default k1 (term-frequency saturation). */
  public static final float DEFAULT_K1 = 1.2f;
  /** Lucene's default b (length normalisation). */
  public static final float DEFAULT_B = 0.75f;

  private static final String TEXT = "text";
  private static final String ID = "id";

  private final Directory dir;
  private final Analyzer analyzer;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final String[] ids; // Lucene document -> id

  private Bm25Index(Directory dir, Analyzer analyzer, BM25Similarity similarity, int size) throws IOException {
    this.dir = dir;
    this.analyzer = analyzer;
    this.reader = DirectoryReader.open(dir);
    this.searcher = new IndexSearcher(reader);
    searcher.setSimilarity(similarity);
    this.ids = new String[size];
    var stored = reader.storedFields();
    for (int d = 0; d < reader.maxDoc(); d++) {
      ids[d] = stored.document(d).get(ID);
    }
  }

  /**
   * Indexes a BEIR corpus (title, a space, text) with English analysis and Lucene's default k1 and b.
   *
   * @param data the dataset
   * @return the index, to be closed
   * @throws IOException when Lucene fails
   */
  public static Bm25Index build(BeirDataset data) throws IOException {
    return build(data.documentIds(), data.documentTexts(), Analysis.ENGLISH, DEFAULT_K1, DEFAULT_B);
  }

  /**
   * Indexes documents.
   *
   * @param ids the documents' ids
   * @param texts their texts, in the same order
   * @param analysis how text becomes terms
   * @param k1 BM25's k1, e.g. {@link #DEFAULT_K1}
   * @param b BM25's b, e.g. {@link #DEFAULT_B}
   * @return the index, to be closed
   * @throws IOException when Lucene fails
   */
  public static Bm25Index build(List<String> ids, List<String> texts, Analysis analysis, float k1, float b) throws IOException {
    if (ids.size() != texts.size()) {
      throw new IllegalArgumentException(ids.size() + " ids for " + texts.size() + " texts");
    }
    Analyzer analyzer = analysis == Analysis.ENGLISH ? new EnglishAnalyzer() : new StandardAnalyzer();
    BM25Similarity similarity = new BM25Similarity(k1, b);
    Directory dir = new ByteBuffersDirectory();
    try {
      IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity).setRAMBufferSizeMB(256);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < ids.size(); i++) {
          Document doc = new Document();
          doc.add(new StoredField(ID, ids.get(i)));
          doc.add(new TextField(TEXT, texts.get(i), Field.Store.NO));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      return new Bm25Index(dir, analyzer, similarity, ids.size());
    } catch (IOException | RuntimeException e) {
      dir.close();
      analyzer.close();
      throw e;
    }
  }

  /**
   * The number of documents.
   *
   * @return the count
   */
  public int size() {
    return ids.length;
  }

  /**
   * The {@code k} documents of highest BM25 score for a query text (fewer when fewer documents
   * share a term with it; none when the query has no terms left after analysis).
   *
   * @param query the query text
   * @param k how many, positive
   * @return the documents, best first, with their BM25 scores
   * @throws IOException when Lucene fails
   */
  public Ranking search(String query, int k) throws IOException {
    Query q = query(query);
    if (q == null) {
      return new Ranking(new String[0], new double[0]);
    }
    TopDocs top = searcher.search(q, k);
    String[] hit = new String[top.scoreDocs.length];
    double[] score = new double[hit.length];
    for (int r = 0; r < hit.length; r++) {
      hit[r] = ids[top.scoreDocs[r].doc];
      score[r] = top.scoreDocs[r].score;
    }
    return new Ranking(hit, score);
  }

  /**
   * {@link #search} for many queries on a few threads.
   *
   * @param queries query id to text
   * @param k documents per query
   * @param threads threads, positive
   * @return query id to ranking, in the order of {@code queries}
   * @throws IOException when Lucene fails
   */
  public Map<String, Ranking> searchAll(Map<String, String> queries, int k, int threads) throws IOException {
    String[] qids = queries.keySet().toArray(new String[0]);
    Ranking[] out = new Ranking[qids.length];
    Parallel.forEach(qids.length, threads, i -> out[i] = search(queries.get(qids[i]), k));
    Map<String, Ranking> run = new LinkedHashMap<>();
    for (int i = 0; i < qids.length; i++) {
      run.put(qids[i], out[i]);
    }
    return run;
  }

  /** The disjunction of the query's terms, a repeated term boosted by its count; null for no terms. */
  private Query query(String text) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        counts.merge(term.toString(), 1, Integer::sum);
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // analysing a String does no I/O
    }
    if (counts.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int room = IndexSearcher.getMaxClauseCount();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (room-- == 0) {
        break; // a query of over 1024 distinct terms keeps its first 1024
      }
      Query t = new TermQuery(new Term(TEXT, e.getKey()));
      b.add(e.getValue() == 1 ? t : new BoostQuery(t, e.getValue()), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      dir.close();
      analyzer.close();
    }
  }
}
