/**
 * JMH benchmarks of the loss engine: the tiled engine's forward and backward pass with the Panama
 * and the scalar kernels side by side. {@code infonce4j-bench/scripts/jmh.sh} builds and runs them
 * (the jar with its {@code lib} folder); the other scripts there set the engine and the recipes
 * beside other implementations such as PyTorch, gensim and fastText. {@link org.infonce4j.bench.TextEncodingBench}
 * ({@code infonce4j-bench/scripts/text-encode.sh}) times the DJL text encoder beside ONNX Runtime.
 */
package org.infonce4j.bench;
