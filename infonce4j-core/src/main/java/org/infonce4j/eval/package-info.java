/**
 * Evaluation of frozen representations: weighted k-nearest-neighbour accuracy
 * ({@link org.infonce4j.eval.Knn}), the linear probe, a multinomial logistic regression fitted by
 * L-BFGS ({@link org.infonce4j.eval.LinearProbe}), the alignment and uniformity of unit
 * features ({@link org.infonce4j.eval.Geometry}), and ranked-retrieval measures with trec_eval's
 * semantics (nDCG, MRR, recall, MAP at cutoffs: {@link org.infonce4j.eval.RetrievalMetrics} over
 * {@link org.infonce4j.eval.Ranking}s).
 */
package org.infonce4j.eval;
