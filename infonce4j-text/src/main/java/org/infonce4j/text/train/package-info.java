/**
 * Fine-tuning a text encoder with InfoNCE on query-document pairs: the settings ({@link org.infonce4j.text.train.TextTrainingConfig}), the
 * pairs and their batches with the false negatives masked ({@link org.infonce4j.text.train.PairBatches}), and the recipe on the shared
 * training loop ({@link org.infonce4j.text.train.TextTraining}): gradient-cached steps through the core engine, AdamW with warm-up and
 * linear decay, a dev evaluation after every epoch, checkpoints and exact resume.
 */
package org.infonce4j.text.train;
