/**
 * The file formats the library reads and writes, with no dependency: NumPy {@code .npy} arrays
 * ({@link org.infonce4j.io.Npy}), the IDX files of MNIST and Fashion-MNIST
 * ({@link org.infonce4j.io.Idx}), and atomic replacement of a file, the one way every module
 * writes files ({@link org.infonce4j.io.AtomicFile}). Errors name the file and what is wrong with it.
 */
package org.infonce4j.io;
