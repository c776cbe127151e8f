/**
 * The {@code infonce4j} command (picocli): {@link org.infonce4j.cli.Main} and one subcommand per
 * job, from the loss on {@code .npy} files and its benchmarks to the SimCLR, MoCo, CLIP, DPO,
 * mutual-information and word2vec recipes, with the progress bar, the line plots and the reports
 * they write. Only {@code Main} is public; the commands are its implementation.
 */
package org.infonce4j.cli;
