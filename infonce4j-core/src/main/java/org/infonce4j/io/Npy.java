package org.infonce4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;

/**
 * Reads and writes NumPy {@code .npy} files.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, little-, big- and native-endian data and C
 * or Fortran element order. The header is parsed as the Python dictionary literal the format
 * specifies (keys in any order, any spacing). Data is streamed through a 1 MiB buffer straight into
 * the result array, so reading needs little more memory than the result itself.
 *
 * <p>Writing produces format 1.0, little-endian, C order, with the header padded by spaces and a
 * final {@code '\n'} so that the data starts at a multiple of 64 bytes, byte for byte what
 * {@code numpy.save} (1.24) writes for the same array. Writes are atomic: the file is written under
 * a temporary name in the same directory and then renamed over the target.
 *
 * <p>Errors: a file that is not what the method expects raises {@link IllegalArgumentException};
 * a failing file system operation raises {@link UncheckedIOException}. Either way the message starts
 * with the file path and says what is wrong. Null arguments raise {@link NullPointerException}.
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  static final int CHUNK = 1 << 20; // bytes per read or write; a multiple of every item size
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  static final int MAX_RANK = 32;

  private static final String FLOATS = "float32 or float64";
  private static final String INTEGERS = "an integer type: int8, int16, int32, int64, uint8, uint16, uint32 or uint64";
  private static final String MASKS = "bool, uint8 or int8";
  private static final String ANY = "bool, int8/16/32/64, uint8/16/32/64, float32 or float64";
  private static final Set<String> FLOAT_TYPES = Set.of("float32", "float64");
  private static final Set<String> INTEGER_TYPES = Set.of("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64");
  private static final Set<String> MASK_TYPES = Set.of("bool", "uint8", "int8");

  private Npy() {
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads the header only (the data is not read, but its length is checked against the file size).
   * Use it to tell an index vector ({@link NpyHeader#isIndexVector()}) from a mask
   * ({@link NpyHeader#isMask()}) before choosing a reader.
   *
   * @param file the {@code .npy} file
   * @return its header
   * @throws IllegalArgumentException if the file is not a well-formed {@code .npy} file of a
   *     supported dtype (bool, signed and unsigned integers of 1 to 8 bytes, float32, float64)
   */
  public static NpyHeader readHeader(Path file) {
    try (NpyInput in = NpyInput.open(file, ANY, null)) {
      return in.header;
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /**
   * Whether {@code file} holds a mask (2-D bool, uint8 or int8); reads the header only.
   *
   * @param file the {@code .npy} file
   * @return whether {@link #readMask} would accept its type and shape
   */
  public static boolean isMask(Path file) {
    return readHeader(file).isMask();
  }

  /**
   * Reads a 2-D float32 or float64 array as a row-major {@link Matrix}; float64 values are rounded to
   * float32. Any byte order and C or Fortran order are accepted.
   *
   * @param file the {@code .npy} file
   * @return the matrix, {@code shape[0] x shape[1]}
   * @throws IllegalArgumentException if the array is not 2-D or has another dtype
   */
  public static Matrix readMatrix(Path file) {
    try (NpyInput in = NpyInput.open(file, FLOATS, FLOAT_TYPES)) {
      NpyHeader h = in.header;
      int[] shape = requireRank(file, h, 2, "a 2-D matrix");
      requireArraySize(file, h);
      int rows = shape[0];
      int cols = shape[1];
      float[] data = new float[(int) h.size()]; // data: rows x cols
      boolean fortran = h.fortranOrder() && rows > 1 && cols > 1;
      float[] chunk = fortran ? new float[CHUNK / h.itemSize()] : null; // chunk: elements of one buffer
      int first = 0; // file position of the next element
      int i = 0;
      int j = 0; // (i, j): matrix position of the next element when the file is in Fortran order
      for (ByteBuffer b; (b = in.next()) != null;) {
        int n = b.remaining() / h.itemSize();
        float[] dst = fortran ? chunk : data;
        int off = fortran ? 0 : first;
        if (h.itemSize() == 4) {
          b.asFloatBuffer().get(dst, off, n);
        } else {
          DoubleBuffer d = b.asDoubleBuffer();
          for (int k = 0; k < n; k++) {
            dst[off + k] = (float) d.get(k);
          }
        }
        if (fortran) {
          for (int k = 0; k < n; k++) {
            data[i * cols + j] = chunk[k];
            if (++i == rows) {
              i = 0;
              j++;
            }
          }
        }
        first += n;
      }
      return new Matrix(rows, cols, data);
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /**
   * Reads a 1-D integer array (int8, int16, int32, int64, uint8, uint16, uint32 or uint64, any byte
   * order) as an {@code int[]}.
   *
   * @param file the {@code .npy} file
   * @return the values
   * @throws IllegalArgumentException if the array is not 1-D, has another dtype, or holds a value
   *     outside the int range (the message names the element index)
   */
  public static int[] readIndices(Path file) {
    try (NpyInput in = NpyInput.open(file, INTEGERS, INTEGER_TYPES)) {
      NpyHeader h = in.header;
      requireRank(file, h, 1, "a 1-D index vector");
      requireArraySize(file, h);
      int size = h.itemSize();
      boolean unsigned = h.dtype().startsWith("u");
      long mask = size == 8 ? -1L : (1L << (8 * size)) - 1; // keeps the low bytes of an unsigned value
      int[] out = new int[(int) h.size()]; // out: n
      int first = 0;
      for (ByteBuffer b; (b = in.next()) != null;) {
        int n = b.remaining() / size;
        if (size == 4 && !unsigned) {
          b.asIntBuffer().get(out, first, n);
        } else {
          for (int k = 0; k < n; k++) {
            long x = switch (size) {
              case 1 -> b.get(k);
              case 2 -> b.getShort(2 * k);
              case 4 -> b.getInt(4 * k);
              default -> b.getLong(8 * k);
            };
            if (unsigned) {
              x &= mask;
            }
            if (x != (int) x || (unsigned && x < 0)) {
              String shown = unsigned ? Long.toUnsignedString(x) : Long.toString(x);
              throw error(file, "index " + (first + k) + " is " + shown + ", which does not fit in an int");
            }
            out[first + k] = (int) x;
          }
        }
        first += n;
      }
      return out;
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /**
   * Reads a 2-D bool, uint8 or int8 array as a {@link BitMatrix}; C or Fortran order. Every value
   * must be 0 or 1.
   *
   * @param file the {@code .npy} file
   * @return the mask, {@code shape[0] x shape[1]}
   * @throws IllegalArgumentException if the array is not 2-D, has another dtype, or holds a value
   *     other than 0 and 1 (the message names the row and column)
   */
  public static BitMatrix readMask(Path file) {
    try (NpyInput in = NpyInput.open(file, MASKS, MASK_TYPES)) {
      NpyHeader h = in.header;
      int[] shape = requireRank(file, h, 2, "a 2-D mask");
      int rows = shape[0];
      int cols = shape[1];
      BitMatrix.Builder mask = BitMatrix.builder(rows, cols);
      boolean fortran = h.fortranOrder();
      int i = 0;
      int j = 0; // (i, j): mask position of the next file element
      for (ByteBuffer b; (b = in.next()) != null;) {
        int n = b.remaining();
        for (int k = 0; k < n; k++) {
          byte v = b.get(k);
          if (v == 1) {
            mask.set(i, j);
          } else if (v != 0) {
            int shown = h.dtype().equals("int8") ? v : v & 0xFF;
            throw error(file, h.dtype() + " mask value " + shown + " at row " + i + ", column " + j
                + " (expected 0 or 1)");
          }
          if (fortran) {
            if (++i == rows) {
              i = 0;
              j++;
            }
          } else if (++j == cols) {
            j = 0;
            i++;
          }
        }
      }
      return mask.build();
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /**
   * Reads any supported array (bool, int8..int64, uint8..uint64, float32, float64; any rank, byte
   * order and element order) with its raw bytes. Prefer the typed readers for large files: this
   * one keeps the bytes and {@link NpyArray#toDoubleArray()} makes a second copy.
   *
   * @param file the {@code .npy} file
   * @return the array with its dtype, shape and bytes
   * @throws IllegalArgumentException if the file is malformed, of another dtype, or larger than 2 GB
   */
  public static NpyArray read(Path file) {
    try (NpyInput in = NpyInput.open(file, ANY, null)) {
      NpyHeader h = in.header;
      requireArraySize(file, h);
      ByteBuffer all = ByteBuffer.allocate((int) h.dataBytes()).order(h.byteOrder()); // all: size x itemSize bytes
      for (ByteBuffer b; (b = in.next()) != null;) {
        all.put(b);
      }
      all.flip();
      return new NpyArray(h.dtype(), h.shape(), h.fortranOrder(), all);
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /** Checks that the data (and so each element count) fits in one Java array. */
  private static void requireArraySize(Path file, NpyHeader h) {
    if (h.dataBytes() > MAX_ARRAY) {
      throw error(file, "too large: " + describe(h) + " (" + h.dataBytes() + " bytes) does not fit in a Java array");
    }
  }

  private static int[] requireRank(Path file, NpyHeader h, int rank, String what) {
    if (h.ndim() != rank) {
      throw error(file, "expected " + what + ", got shape " + pyShape(h.shape()));
    }
    return h.shape();
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes {@code m} as a 2-D float32 array: format 1.0, {@code '<f4'}, C order, shape
   * {@code (rows, cols)}. Atomic; replaces an existing file.
   *
   * @param file where to write
   * @param m the matrix
   */
  public static void write(Path file, Matrix m) {
    writeFloat32(file, new int[] {m.rows(), m.cols()}, m.data());
  }

  /**
   * Writes a float32 array of any shape (0-D {@code ()}, 1-D, 2-D, ..., at most 32
   * dimensions) from {@code values} in C order: format 1.0, {@code '<f4'}. Atomic; replaces an
   * existing file.
   *
   * @param file where to write
   * @param shape the dimensions, outermost first
   * @param values the elements in C order, as many as the shape's product
   * @throws IllegalArgumentException before anything is written if the shape has a negative
   *     dimension or does not match {@code values.length}
   */
  public static void writeFloat32(Path file, int[] shape, float[] values) {
    NpyWriter.checkShape(file, shape, values.length);
    NpyWriter.writeArray(file, "<f4", 4, shape, values.length,
        (buf, first, n) -> buf.asFloatBuffer().put(values, (int) first, n));
  }

  /**
   * Writes a float64 array of any shape (0-D {@code ()}, 1-D, 2-D, ..., at most 32
   * dimensions) from {@code values} in C order: format 1.0, {@code '<f8'}. Atomic; replaces an
   * existing file.
   *
   * @param file where to write
   * @param shape the dimensions, outermost first
   * @param values the elements in C order, as many as the shape's product
   * @throws IllegalArgumentException before anything is written if the shape has a negative
   *     dimension or does not match {@code values.length}
   */
  public static void writeFloat64(Path file, int[] shape, double[] values) {
    NpyWriter.checkShape(file, shape, values.length);
    NpyWriter.writeArray(file, "<f8", 8, shape, values.length,
        (buf, first, n) -> buf.asDoubleBuffer().put(values, (int) first, n));
  }

  /**
   * Writes {@code v} as a 1-D int32 array: format 1.0, {@code '<i4'}. Atomic; replaces an existing file.
   *
   * @param file where to write
   * @param v the values
   */
  public static void writeIndices(Path file, int[] v) {
    NpyWriter.writeArray(file, "<i4", 4, new int[] {v.length}, v.length,
        (buf, first, n) -> buf.asIntBuffer().put(v, (int) first, n));
  }

  /**
   * Writes {@code m} as a 2-D bool array: format 1.0, {@code '|b1'}, C order, one byte (0 or 1) per
   * entry. Atomic; replaces an existing file.
   *
   * @param file where to write
   * @param m the mask
   */
  public static void writeMask(Path file, BitMatrix m) {
    int cols = m.cols();
    NpyWriter.writeArray(file, "|b1", 1, new int[] {m.rows(), cols}, (long) m.rows() * cols, (buf, first, n) -> {
      int i = (int) (first / cols);
      int j = (int) (first % cols);
      for (int k = 0; k < n; k++) {
        buf.put(k, m.get(i, j) ? (byte) 1 : (byte) 0);
        if (++j == cols) {
          j = 0;
          i++;
        }
      }
    });
  }

  // ---------------------------------------------------------------- messages

  /** A shape as Python prints a tuple: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
  static String pyShape(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder s = new StringBuilder("(");
    for (int d = 0; d < shape.length; d++) {
      s.append(d == 0 ? "" : ", ").append(shape[d]);
    }
    return s.append(')').toString();
  }

  /** "3 x 4 float32", or "scalar float64" for a 0-D array. */
  static String describe(NpyHeader h) {
    StringBuilder s = new StringBuilder();
    for (int d : h.shape()) {
      s.append(s.length() == 0 ? "" : " x ").append(d);
    }
    return (h.ndim() == 0 ? "scalar" : s) + " " + h.dtype();
  }

  static IllegalArgumentException error(Path file, String message) {
    return new IllegalArgumentException(file + ": " + message);
  }

  static UncheckedIOException ioError(Path file, String action, IOException e) {
    String other = e instanceof FileSystemException f && f.getFile() != null && !f.getFile().equals(file.toString())
        ? " (" + f.getFile() + ")" : "";
    String why = e instanceof NoSuchFileException ? "no such file or directory" + other
        : e instanceof AccessDeniedException ? "permission denied" + other
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new UncheckedIOException(file + ": " + action + ": " + why, e);
  }
}
