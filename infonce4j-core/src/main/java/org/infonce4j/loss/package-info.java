/**
 * The InfoNCE loss on plain float arrays. {@link org.infonce4j.loss.InfoNce} computes it for a
 * {@link org.infonce4j.loss.Batch} (anchors against candidates, the SimCLR layout, a MoCo
 * {@link org.infonce4j.loss.NegativeQueue}, several positives, excluded false negatives) under a
 * {@link org.infonce4j.loss.LossSpec} (similarity, temperature, reduction, one- or two-way), with a
 * tiled engine that never holds the whole logit matrix and a double-precision reference to check it
 * against. A {@link org.infonce4j.loss.LossResult} carries the loss, the gradients with respect to
 * the embeddings and the temperature, and {@link org.infonce4j.loss.Diagnostics} such as the
 * mutual-information bound. {@link org.infonce4j.loss.TemperatureProbe} shows what the temperature
 * does to the weights of the negatives.
 */
package org.infonce4j.loss;
