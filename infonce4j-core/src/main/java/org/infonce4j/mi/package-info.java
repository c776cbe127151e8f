/**
 * Mutual-information estimation: the InfoNCE, NWJ and Donsker-Varadhan lower bounds with their
 * gradients, read off a critic's score matrix ({@link org.infonce4j.mi.MiEstimator}), and
 * correlated Gaussians whose mutual information is known in closed form
 * ({@link org.infonce4j.mi.CorrelatedGaussians}), the benchmark the bounds are compared on.
 */
package org.infonce4j.mi;
