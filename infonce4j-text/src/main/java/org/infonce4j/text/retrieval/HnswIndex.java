package org.infonce4j.text.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.infonce4j.Matrix;
import org.infonce4j.search.ExactSearch;

/**
 * Approximate nearest-neighbour search over document embeddings with Lucene's HNSW graph, kept on
 * disk: one Lucene document per embedding, the vector scaled to unit length in a
 * {@link KnnFloatVectorField} compared by {@link VectorSimilarityFunction#DOT_PRODUCT} (so the dot
 * product is the cosine), the document's id and row stored beside it. {@link #build} writes an
 * index; {@link #open} reads one back, and {@link #search} returns, for each query, the documents
 * HNSW finds and their cosine similarities. Compare with the exact search of
 * {@link org.infonce4j.search.ExactSearch} through
 * {@link org.infonce4j.search.ExactSearch#recall}.
 */
public final class HnswIndex implements Closeable {

  /** The vector field. */
  public static final String VECTOR = "vector";
  /** The stored document id. */
  public static final String ID = "id";
  /** The stored row of the embedding matrix. */
  public static final String ROW = "row";
  /** Lucene's default number of neighbours per graph node (M). */
  public static final int DEFAULT_M = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
  /** Lucene's default candidate list size while building the graph (efConstruction). */
  public static final int DEFAULT_BEAM_WIDTH = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;

  private final Directory dir;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final int[] rowOf; // Lucene document -> embedding row
  private final String[] ids; // embedding row -> document id
  private final int dimension;

  private HnswIndex(Directory dir) throws IOException {
    this.dir = dir;
    this.reader = DirectoryReader.open(dir);
    this.searcher = new IndexSearcher(reader);
    this.rowOf = new int[reader.maxDoc()];
    this.ids = new String[reader.numDocs()];
    int dim = 0;
    for (LeafReaderContext leaf : reader.leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(VECTOR);
      if (info != null) {
        dim = info.getVectorDimension();
      }
      StoredFields stored = leaf.reader().storedFields();
      for (int d = 0; d < leaf.reader().maxDoc(); d++) {
        Document doc = stored.document(d);
        int row = doc.getField(ROW).numericValue().intValue();
        rowOf[leaf.docBase + d] = row;
        ids[row] = doc.get(ID);
      }
    }
    this.dimension = dim;
  }

  /**
   * Writes an index of {@code vectors} (row {@code i} the embedding of document {@code ids.get(i)})
   * into {@code path}, replacing any index there, with Lucene's default graph parameters.
   *
   * @param path the index directory (created if absent)
   * @param vectors one embedding per row, none zero or non-finite
   * @param ids the documents' ids, one per row
   * @throws IOException when Lucene cannot write
   */
  public static void build(Path path, Matrix vectors, List<String> ids) throws IOException {
    build(path, vectors, ids, DEFAULT_M, DEFAULT_BEAM_WIDTH);
  }

  /**
   * Writes an index as {@link #build(Path, Matrix, List)} with chosen graph parameters. The index
   * holds one segment.
   *
   * @param path the index directory (created if absent)
   * @param vectors one embedding per row, none zero or non-finite
   * @param ids the documents' ids, one per row
   * @param m neighbours per graph node, e.g. {@link #DEFAULT_M}
   * @param beamWidth candidates while building, e.g. {@link #DEFAULT_BEAM_WIDTH}
   * @throws IOException when Lucene cannot write
   */
  public static void build(Path path, Matrix vectors, List<String> ids, int m, int beamWidth) throws IOException {
    if (ids.size() != vectors.rows()) {
      throw new IllegalArgumentException(ids.size() + " ids for " + vectors.rows() + " vectors");
    }
    IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(512)
        .setCodec(new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return new Lucene99HnswVectorsFormat(m, beamWidth);
          }
        });
    try (Directory d = FSDirectory.open(path); IndexWriter writer = new IndexWriter(d, config)) {
      for (int i = 0; i < vectors.rows(); i++) {
        float[] v = unit(vectors, i, "document " + ids.get(i));
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(VECTOR, v, VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new StringField(ID, ids.get(i), Field.Store.YES));
        doc.add(new StoredField(ROW, i));
        writer.addDocument(doc);
      }
      writer.forceMerge(1);
      writer.commit();
    }
  }

  /**
   * Opens an index that {@link #build} wrote.
   *
   * @param path the index directory
   * @return the index, to be closed
   * @throws IOException when there is no readable index
   */
  public static HnswIndex open(Path path) throws IOException {
    Directory d = FSDirectory.open(path);
    try {
      return new HnswIndex(d);
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /**
   * The number of indexed documents.
   *
   * @return the count
   */
  public int size() {
    return ids.length;
  }

  /**
   * The embedding dimension.
   *
   * @return the vector length, 0 for an empty index
   */
  public int dimension() {
    return dimension;
  }

  /**
   * The id of the document built from embedding row {@code row}.
   *
   * @param row the row
   * @return the id
   */
  public String id(int row) {
    return ids[row];
  }

  /**
   * The top {@code k} documents HNSW finds for each query row, exploring {@code candidates} graph
   * nodes per query (Lucene's {@code k} of {@link KnnFloatVectorQuery}, the efSearch of HNSW).
   *
   * @param queries one embedding per row (scaled to unit length here)
   * @param k documents per query, positive
   * @param candidates the search beam, at least {@code k}
   * @param threads threads to spread the queries over, positive
   * @return per query the embedding rows found, best first, and their cosine similarities
   * @throws IOException when Lucene cannot read the index
   */
  public ExactSearch.Neighbours search(Matrix queries, int k, int candidates, int threads) throws IOException {
    if (queries.cols() != dimension) {
      throw new IllegalArgumentException("queries have " + queries.cols() + " columns but the index " + dimension);
    }
    if (k < 1 || candidates < k || threads < 1) {
      throw new IllegalArgumentException("need 1 <= k <= candidates and threads >= 1, got k=" + k + ", candidates=" + candidates);
    }
    int[][] rows = new int[queries.rows()][];
    float[][] scores = new float[queries.rows()][];
    Parallel.forEach(queries.rows(), threads, q -> {
      TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, unit(queries, q, "query " + q), candidates), candidates);
      int n = Math.min(k, top.scoreDocs.length);
      rows[q] = new int[n];
      scores[q] = new float[n];
      for (int r = 0; r < n; r++) {
        ScoreDoc hit = top.scoreDocs[r];
        rows[q][r] = rowOf[hit.doc];
        scores[q][r] = 2 * hit.score - 1; // DOT_PRODUCT scores (1 + cosine) / 2
      }
    });
    return new ExactSearch.Neighbours(rows, scores);
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      dir.close();
    }
  }

  /** Row {@code i} scaled to unit length (in double), or an error for a zero or non-finite row. */
  static float[] unit(Matrix m, int i, String what) {
    int d = m.cols();
    double sum = 0;
    for (int k = 0; k < d; k++) {
      double x = m.data()[i * d + k];
      sum += x * x;
    }
    if (!(sum > 0) || Double.isInfinite(sum)) {
      throw new IllegalArgumentException(what + ": embedding is zero or not finite");
    }
    double scale = 1 / Math.sqrt(sum);
    float[] v = new float[d];
    for (int k = 0; k < d; k++) {
      v[k] = (float) (m.data()[i * d + k] * scale);
    }
    return v;
  }
}
