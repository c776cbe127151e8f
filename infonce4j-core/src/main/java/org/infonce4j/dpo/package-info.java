/**
 * Preference optimisation without a framework: {@link org.infonce4j.dpo.PreferenceLoss} computes
 * the DPO, IPO and listwise (InfoNCE) losses and their gradients from the sequence
 * log-probabilities of a policy and a frozen reference, and {@link org.infonce4j.dpo.SortingTask} is
 * a synthetic task (sort a few digits) whose answers a program can judge, so that preference
 * training can be checked end to end.
 */
package org.infonce4j.dpo;
