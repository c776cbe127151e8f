/**
 * The numeric inner loops: the tile kernels of the InfoNCE engine
 * ({@link org.infonce4j.kernels.Kernels}) and the row operations of word2vec training
 * ({@link org.infonce4j.kernels.VectorOps}), each in a plain-Java form and a form on the incubating
 * Panama vector API ({@code jdk.incubator.vector}). {@link org.infonce4j.kernels.KernelProvider}
 * chooses once per JVM and loads the Panama classes by name only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, so the rest of the library never touches incubator
 * classes. {@link org.infonce4j.kernels.FmaPeak} measures the machine's float32 peak to set
 * throughput against.
 */
package org.infonce4j.kernels;
