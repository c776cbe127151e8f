package org.infonce4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A whole {@code .npy} array in memory, as returned by {@link Npy#read(java.nio.file.Path)}: the raw
 * data bytes in file order plus what is needed to interpret them.
 *
 * @param dtype the normalized element type, as in {@link NpyHeader#dtype()}
 * @param shape the dimensions, outermost first; empty for a 0-D (scalar) array
 * @param fortranOrder whether {@code data} is column-major (first index varies fastest)
 * @param data the raw element bytes, {@code size() * itemSize} of them, with the file's byte order
 */
public record NpyArray(String dtype, int[] shape, boolean fortranOrder, ByteBuffer data) {

  /**
   * Checks that {@code data} holds exactly the bytes the dtype and shape need (from its position to
   * its limit) and keeps a read-only view of them.
   *
   * @param dtype the normalized element type
   * @param shape the dimensions, outermost first (copied)
   * @param fortranOrder whether {@code data} is column-major
   * @param data the raw element bytes from position to limit, in their byte order
   * @throws IllegalArgumentException when a dimension is negative or the byte count does not match
   */
  public NpyArray {
    shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Npy.pyShape(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    long bytes = n * itemSize(dtype);
    if (bytes != data.remaining()) {
      throw new IllegalArgumentException(
          dtype + " shape " + Npy.pyShape(shape) + " needs " + bytes + " bytes, got " + data.remaining());
    }
    ByteOrder order = data.order();
    data = data.slice().asReadOnlyBuffer().order(order);
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
   * A read-only view of the raw bytes (position 0, file byte order, file element order). Use
   * {@link #toDoubleArray()} or {@link #toLongArray()} for values in C order.
   *
   * @return a new read-only buffer over the bytes
   */
  @Override
  public ByteBuffer data() {
    return data.duplicate().order(data.order());
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
   * Number of elements (1 for a scalar).
   *
   * @return the element count
   */
  public int size() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * All values as doubles in C (row-major) order, whatever the file order. int64 and uint64 values
   * beyond 2^53 are rounded; bool is 0 or 1.
   *
   * @return a new array of {@link #size()} values
   */
  public double[] toDoubleArray() {
    double[] out = new double[size()]; // out: size() values, C order
    int kind = kind();
    int[] cIndex = cOrderIndex();
    for (int k = 0; k < out.length; k++) {
      int at = cIndex == null ? k : cIndex[k];
      out[at] = switch (kind) {
        case FLOAT32 -> data.getFloat(k * 4);
        case FLOAT64 -> data.getDouble(k * 8);
        case UINT64 -> unsignedToDouble(integerAt(kind, k));
        default -> integerAt(kind, k);
      };
    }
    return out;
  }

  /**
   * All values as longs in C (row-major) order, exactly; for integer and bool arrays only. uint64
   * values of 2^63 and above come out negative (two's complement).
   *
   * @return a new array of {@link #size()} values
   * @throws IllegalStateException for float32 and float64 arrays
   */
  public long[] toLongArray() {
    int kind = kind();
    if (kind == FLOAT32 || kind == FLOAT64) {
      throw new IllegalStateException("toLongArray() needs an integer or bool array, this one is " + dtype);
    }
    long[] out = new long[size()]; // out: size() values, C order
    int[] cIndex = cOrderIndex();
    for (int k = 0; k < out.length; k++) {
      out[cIndex == null ? k : cIndex[k]] = integerAt(kind, k);
    }
    return out;
  }

  private static final int BOOL = 0;
  private static final int INT8 = 1;
  private static final int INT16 = 2;
  private static final int INT32 = 3;
  private static final int INT64 = 4;
  private static final int UINT8 = 5;
  private static final int UINT16 = 6;
  private static final int UINT32 = 7;
  private static final int UINT64 = 8;
  private static final int FLOAT32 = 9;
  private static final int FLOAT64 = 10;

  private static int itemSize(String dtype) {
    return switch (dtype) {
      case "bool", "int8", "uint8" -> 1;
      case "int16", "uint16" -> 2;
      case "int32", "uint32", "float32" -> 4;
      case "int64", "uint64", "float64" -> 8;
      default -> throw new IllegalArgumentException("unknown dtype " + dtype);
    };
  }

  private int kind() {
    return switch (dtype) {
      case "bool" -> BOOL;
      case "int8" -> INT8;
      case "int16" -> INT16;
      case "int32" -> INT32;
      case "int64" -> INT64;
      case "uint8" -> UINT8;
      case "uint16" -> UINT16;
      case "uint32" -> UINT32;
      case "uint64" -> UINT64;
      case "float32" -> FLOAT32;
      case "float64" -> FLOAT64;
      default -> throw new IllegalStateException("unknown dtype " + dtype);
    };
  }

  private long integerAt(int kind, int k) {
    return switch (kind) {
      case BOOL, INT8 -> data.get(k);
      case UINT8 -> data.get(k) & 0xFF;
      case INT16 -> data.getShort(k * 2);
      case UINT16 -> data.getShort(k * 2) & 0xFFFF;
      case INT32 -> data.getInt(k * 4);
      case UINT32 -> data.getInt(k * 4) & 0xFFFF_FFFFL;
      default -> data.getLong(k * 8);
    };
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  /**
   * For Fortran-order data of rank 2 or more, the C-order position of each file element; null when
   * file order already is C order.
   */
  private int[] cOrderIndex() {
    if (!fortranOrder || shape.length < 2) {
      return null;
    }
    int n = size();
    int rank = shape.length;
    int[] stride = new int[rank]; // stride: rank, C-order strides
    stride[rank - 1] = 1;
    for (int d = rank - 2; d >= 0; d--) {
      stride[d] = stride[d + 1] * shape[d + 1];
    }
    int[] index = new int[rank]; // index: rank, multi-index of file element k
    int[] out = new int[n]; // out: size() positions
    int at = 0;
    for (int k = 0; k < n; k++) {
      out[k] = at;
      // Odometer step with the first axis fastest, keeping the C offset in step.
      int d = 0;
      index[0]++;
      at += stride[0];
      while (d < rank - 1 && index[d] == shape[d]) {
        at -= stride[d] * shape[d];
        index[d] = 0;
        d++;
        index[d]++;
        at += stride[d];
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray a
        && a.dtype.equals(dtype)
        && Arrays.equals(a.shape, shape)
        && a.fortranOrder == fortranOrder
        && a.data.order().equals(data.order())
        && a.data.equals(data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
  }

  @Override
  public String toString() {
    return "NpyArray[" + dtype + ", shape " + Npy.pyShape(shape) + (fortranOrder ? ", Fortran order]" : "]");
  }
}
