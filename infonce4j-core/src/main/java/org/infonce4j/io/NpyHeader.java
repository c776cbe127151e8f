package org.infonce4j.io;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The parsed header of a {@code .npy} file, as returned by {@link Npy#readHeader(java.nio.file.Path)}:
 * enough to decide how to read the file without touching its data.
 *
 * @param majorVersion format major version: 1, 2 or 3
 * @param minorVersion format minor version: always 0
 * @param descr the dtype descriptor exactly as written in the file, e.g. {@code "<f4"} or {@code "|b1"}
 * @param dtype the normalized element type: {@code "bool"}, {@code "int8"}, {@code "int16"},
 *     {@code "int32"}, {@code "int64"}, {@code "uint8"}, {@code "uint16"}, {@code "uint32"},
 *     {@code "uint64"}, {@code "float32"} or {@code "float64"}
 * @param byteOrder byte order of the data (the platform order for {@code '='} and for one-byte types)
 * @param itemSize bytes per element: 1, 2, 4 or 8
 * @param shape the dimensions, outermost first; empty for a 0-D (scalar) array
 * @param fortranOrder whether the data is stored column-major (first index varies fastest)
 * @param dataOffset byte offset of the first data byte in the file
 */
public record NpyHeader(
    int majorVersion,
    int minorVersion,
    String descr,
    String dtype,
    ByteOrder byteOrder,
    int itemSize,
    int[] shape,
    boolean fortranOrder,
    long dataOffset) {

  /**
   * Copies {@code shape}; {@link Npy#readHeader} is the usual way to get one.
   *
   * @param majorVersion format major version
   * @param minorVersion format minor version
   * @param descr the dtype descriptor as written in the file
   * @param dtype the normalized element type
   * @param byteOrder byte order of the data
   * @param itemSize bytes per element
   * @param shape the dimensions, outermost first (copied)
   * @param fortranOrder whether the data is column-major
   * @param dataOffset byte offset of the data in the file
   */
  public NpyHeader {
    shape = shape.clone();
  }

  /**
   * A copy of the dimensions.
   *
   * @return a new array of the dimensions
   */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /**
   * Number of dimensions (0 for a scalar).
   *
   * @return the rank
   */
  public int ndim() {
    return shape.length;
  }

  /**
   * Number of elements: the product of the dimensions (1 for a scalar).
   *
   * @return the element count
   */
  public long size() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * Bytes of data that follow the header: {@code size() * itemSize()}.
   *
   * @return the length of the data in bytes
   */
  public long dataBytes() {
    return size() * itemSize;
  }

  /**
   * True for a 2-D array of bool, uint8 or int8: what {@link Npy#readMask} accepts.
   *
   * @return whether the array can be read as a mask
   */
  public boolean isMask() {
    return shape.length == 2 && (dtype.equals("bool") || dtype.equals("uint8") || dtype.equals("int8"));
  }

  /**
   * True for a 1-D array of an integer type: what {@link Npy#readIndices} accepts.
   *
   * @return whether the array can be read as indices
   */
  public boolean isIndexVector() {
    return shape.length == 1 && (dtype.startsWith("int") || dtype.startsWith("uint"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyHeader h
        && h.majorVersion == majorVersion
        && h.minorVersion == minorVersion
        && h.descr.equals(descr)
        && h.dtype.equals(dtype)
        && h.byteOrder.equals(byteOrder)
        && h.itemSize == itemSize
        && Arrays.equals(h.shape, shape)
        && h.fortranOrder == fortranOrder
        && h.dataOffset == dataOffset;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * descr.hashCode() + Arrays.hashCode(shape)) + Boolean.hashCode(fortranOrder);
  }

  @Override
  public String toString() {
    return "NpyHeader[version " + majorVersion + "." + minorVersion + ", " + dtype + " ('" + descr + "'), shape "
        + Npy.pyShape(shape) + (fortranOrder ? ", Fortran order" : ", C order") + ", data at " + dataOffset + "]";
  }
}
