/**
 * Exact cosine search over a set of vectors: {@link org.infonce4j.search.UnitIndex} keeps them
 * normalised and packed for the loss engine's tile kernel, so a block of queries is scored against
 * all of them one tile at a time, and {@link org.infonce4j.search.TopK} keeps the best few scores
 * of each query. Used by kNN evaluation, word neighbours and analogies, and, as
 * {@link org.infonce4j.search.ExactSearch} (multi-threaded over queries), by retrieval evaluation.
 */
package org.infonce4j.search;
