/**
 * Evaluation of frozen representations: weighted k-nearest-neighbour accuracy
 * ({@link org.infonce4j.eval.Knn}), the linear probe, a multinomial logistic regression fitted by
 * L-BFGS ({@link org.infonce4j.eval.LinearProbe}), and the alignment and uniformity of unit
 * features ({@link org.infonce4j.eval.Geometry}).
 */
package org.infonce4j.eval;
