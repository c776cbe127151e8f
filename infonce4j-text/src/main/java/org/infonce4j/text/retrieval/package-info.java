/**
 * Retrieval over a corpus: BM25 with Lucene ({@link org.infonce4j.text.retrieval.Bm25Index}),
 * approximate nearest neighbours of embeddings with Lucene's HNSW graph
 * ({@link org.infonce4j.text.retrieval.HnswIndex}), and the evaluation of embeddings by exact and
 * HNSW search with the BEIR measures ({@link org.infonce4j.text.retrieval.DenseEvaluation}).
 */
package org.infonce4j.text.retrieval;
