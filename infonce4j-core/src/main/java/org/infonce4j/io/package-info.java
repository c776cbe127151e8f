/**
 * The file formats the library reads and writes, with no dependency: NumPy {@code .npy} arrays
 * ({@link org.infonce4j.io.Npy}), the IDX files of MNIST and Fashion-MNIST
 * ({@link org.infonce4j.io.Idx}), a small JSON writer and strict parser for reports and run files
 * ({@link org.infonce4j.io.Json}, {@link org.infonce4j.io.JsonReader}), and atomic replacement of a
 * file ({@link org.infonce4j.io.AtomicFile}). Errors name the file and what is wrong with it.
 */
package org.infonce4j.io;
