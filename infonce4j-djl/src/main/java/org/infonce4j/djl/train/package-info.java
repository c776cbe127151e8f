/**
 * What every training recipe shares: {@link org.infonce4j.djl.train.Training}, the loop over
 * units (epochs or stages) of steps with a checkpoint after each unit and exact resume, and
 * {@link org.infonce4j.djl.train.RunDirectory}, the folder of one run with its configuration,
 * provenance, checksummed checkpoints and per-unit records.
 */
package org.infonce4j.djl.train;
