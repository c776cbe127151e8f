package org.infonce4j.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.infonce4j.io.NpyDictParser.repr;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int CHUNK = 1 << 20; // bytes per read or write; a multiple of every item size
  private static final int ALIGN = 64;
  private static final int MAX_HEADER = 1 << 20;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int MAX_RANK = 32;

  private static final String FLOATS = "float32 or float64";
  private static final String INTEGERS = "an integer type: int8, int16, int32, int64, uint8, uint16, uint32 or uint64";
  private static final String MASKS = "bool, uint8 or int8";
  private static final String ANY = "bool, int8/16/32/64, uint8/16/32/64, float32 or float64";
  private static final Set<String> FLOAT_TYPES = Set.of("float32", "float64");
  private static final Set<String> INTEGER_TYPES =
      Set.of("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64");
  private static final Set<String> MASK_TYPES = Set.of("bool", "uint8", "int8");

  private Npy() {}

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
    try (Data in = open(file, ANY, null)) {
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
    try (Data in = open(file, FLOATS, FLOAT_TYPES)) {
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
      for (ByteBuffer b; (b = in.next()) != null; ) {
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
    try (Data in = open(file, INTEGERS, INTEGER_TYPES)) {
      NpyHeader h = in.header;
      requireRank(file, h, 1, "a 1-D index vector");
      requireArraySize(file, h);
      int size = h.itemSize();
      boolean unsigned = h.dtype().startsWith("u");
      long mask = size == 8 ? -1L : (1L << (8 * size)) - 1; // keeps the low bytes of an unsigned value
      int[] out = new int[(int) h.size()]; // out: n
      int first = 0;
      for (ByteBuffer b; (b = in.next()) != null; ) {
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
    try (Data in = open(file, MASKS, MASK_TYPES)) {
      NpyHeader h = in.header;
      int[] shape = requireRank(file, h, 2, "a 2-D mask");
      int rows = shape[0];
      int cols = shape[1];
      BitMatrix.Builder mask = BitMatrix.builder(rows, cols);
      boolean fortran = h.fortranOrder();
      int i = 0;
      int j = 0; // (i, j): mask position of the next file element
      for (ByteBuffer b; (b = in.next()) != null; ) {
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
    try (Data in = open(file, ANY, null)) {
      NpyHeader h = in.header;
      requireArraySize(file, h);
      ByteBuffer all = ByteBuffer.allocate((int) h.dataBytes()).order(h.byteOrder()); // all: size x itemSize bytes
      for (ByteBuffer b; (b = in.next()) != null; ) {
        all.put(b);
      }
      all.flip();
      return new NpyArray(h.dtype(), h.shape(), h.fortranOrder(), all);
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /** An open file positioned on its data, handing out the data one buffer at a time. */
  private static final class Data implements Closeable {
    final Path file;
    final FileChannel channel;
    final NpyHeader header;
    ByteBuffer buffer; // allocated by the first next()
    long position;
    long remaining;

    Data(Path file, FileChannel channel, NpyHeader header) {
      this.file = file;
      this.channel = channel;
      this.header = header;
      this.position = header.dataOffset();
      this.remaining = header.dataBytes();
    }

    /** The next buffer of whole elements (position 0, file byte order), or null after the last. */
    ByteBuffer next() throws IOException {
      if (remaining == 0) {
        return null;
      }
      if (buffer == null) {
        buffer = ByteBuffer.allocateDirect((int) Math.min(CHUNK, remaining)).order(header.byteOrder());
      }
      buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          throw error(file, "truncated: the file ended while its data was being read");
        }
        position += n;
      }
      remaining -= buffer.limit();
      return buffer.flip();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Opens {@code file}, parses and checks its header, including that the file size matches the
   * data the header describes, and that the dtype is in {@code allowed} (any supported if null).
   */
  private static Data open(Path file, String expected, Set<String> allowed) throws IOException {
    Objects.requireNonNull(file, "file");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      NpyHeader h = parseHeader(file, channel, expected);
      if (allowed != null && !allowed.contains(h.dtype())) {
        throw error(file, "unsupported dtype '" + h.descr() + "' (expected " + expected + ")");
      }
      return new Data(file, channel, h);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static NpyHeader parseHeader(Path file, FileChannel channel, String expected) throws IOException {
    long fileSize = channel.size();
    ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN); // prefix: magic, version, length
    readUpTo(channel, prefix, 0);
    int got = prefix.position();
    if (got < MAGIC.length || !Arrays.equals(prefix.array(), 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw error(file, "not a .npy file (bad magic bytes)");
    }
    if (got < 8) {
      throw error(file, "truncated: the file ends inside the format version");
    }
    int major = prefix.get(6) & 0xFF;
    int minor = prefix.get(7) & 0xFF;
    if (minor != 0 || major < 1 || major > 3) {
      throw error(file, "unsupported .npy format version " + major + "." + minor);
    }
    int lengthBytes = major == 1 ? 2 : 4;
    int start = 8 + lengthBytes;
    if (got < start) {
      throw error(file, "truncated: the file ends inside the header length");
    }
    long length = major == 1 ? prefix.getShort(8) & 0xFFFF : prefix.getInt(8) & 0xFFFF_FFFFL;
    if (length > MAX_HEADER) {
      throw error(file, "malformed header: it claims to be " + length + " bytes long (the limit is "
          + MAX_HEADER + ")");
    }
    if (start + length > fileSize) {
      throw error(file, "truncated: the header length says " + length + " bytes but the file ends after "
          + (fileSize - start));
    }
    ByteBuffer raw = ByteBuffer.allocate((int) length); // raw: header bytes
    readUpTo(channel, raw, start);
    raw.flip();
    String text;
    if (major == 3) {
      try {
        text = UTF_8.newDecoder().decode(raw).toString();
      } catch (CharacterCodingException e) {
        throw error(file, "malformed header: not valid UTF-8");
      }
    } else {
      text = ISO_8859_1.decode(raw).toString();
    }
    Map<String, Object> dict = new NpyDictParser(file, text).parse();
    for (String key : dict.keySet()) {
      if (!Set.of("descr", "fortran_order", "shape").contains(key)) {
        throw error(file, "malformed header: unexpected key '" + key + "'");
      }
    }
    for (String key : List.of("descr", "fortran_order", "shape")) {
      if (!dict.containsKey(key)) {
        throw error(file, "malformed header: missing '" + key + "'");
      }
    }
    Object descr = dict.get("descr");
    if (!(descr instanceof String)) {
      String kind = descr instanceof List ? " (structured arrays are not supported)" : "";
      throw error(file, "unsupported dtype " + repr(descr) + kind + " (expected " + expected + ")");
    }
    Object fortran = dict.get("fortran_order");
    if (!(fortran instanceof Boolean)) {
      throw error(file, "malformed header: 'fortran_order' must be True or False, got " + repr(fortran));
    }
    int[] shape = parseShape(file, dict.get("shape"));
    String d = (String) descr;
    char order = d.isEmpty() ? '?' : d.charAt(0);
    String code = "<>=|".indexOf(order) >= 0 ? d.substring(1) : d;
    if (code.startsWith("O")) {
      throw error(file, "object arrays (descr '" + d + "') are not supported: they hold pickled Python objects");
    }
    String dtype = dtypeName(code);
    if (dtype == null) {
      throw error(file, "unsupported dtype '" + d + "' (expected " + expected + ")");
    }
    ByteOrder byteOrder = order == '<' ? ByteOrder.LITTLE_ENDIAN
        : order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.nativeOrder();
    int itemSize = code.charAt(code.length() - 1) - '0';
    long dataOffset = start + length;
    NpyHeader h = new NpyHeader(major, minor, d, dtype, byteOrder, itemSize, shape, (Boolean) fortran, dataOffset);
    long size = 1;
    for (int dim : shape) {
      size = multiply(file, size, dim);
    }
    long need = multiply(file, size, itemSize);
    long have = fileSize - dataOffset;
    if (have < need) {
      throw error(file, "truncated: header says " + describe(h) + " (" + need + " bytes of data) but the file has "
          + have + " bytes of data");
    }
    if (have > need) {
      throw error(file, "the file has " + (have - need) + " extra bytes after the data (header says "
          + describe(h) + ", " + need + " bytes)");
    }
    return h;
  }

  /** Normalized dtype for a descr without its byte order character, or null if unsupported. */
  private static String dtypeName(String code) {
    return switch (code) {
      case "b1" -> "bool";
      case "i1" -> "int8";
      case "i2" -> "int16";
      case "i4" -> "int32";
      case "i8" -> "int64";
      case "u1" -> "uint8";
      case "u2" -> "uint16";
      case "u4" -> "uint32";
      case "u8" -> "uint64";
      case "f4" -> "float32";
      case "f8" -> "float64";
      default -> null;
    };
  }

  private static int[] parseShape(Path file, Object value) {
    if (value instanceof NpyDictParser.Tuple t && t.items().size() <= MAX_RANK) {
      int[] shape = new int[t.items().size()]; // shape: rank
      int d = 0;
      for (; d < shape.length; d++) {
        long n = t.items().get(d) instanceof Long x ? x : -1;
        if (n < 0) {
          break;
        }
        if (n > Integer.MAX_VALUE) {
          throw error(file, "too large: dimension " + d + " of shape " + repr(value) + " does not fit in an int");
        }
        shape[d] = (int) n;
      }
      if (d == shape.length) {
        return shape;
      }
    }
    throw error(file, "malformed header: 'shape' must be a tuple of at most " + MAX_RANK
        + " non-negative integers, got " + repr(value));
  }

  private static long multiply(Path file, long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw error(file, "too large: the shape has more than 2^63 bytes of data");
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

  /** Reads from {@code position} until {@code buf} is full or the file ends. */
  private static void readUpTo(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position);
      if (n < 0) {
        return;
      }
      position += n;
    }
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
    checkShape(file, shape, values.length);
    writeArray(file, "<f4", 4, shape, values.length,
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
    checkShape(file, shape, values.length);
    writeArray(file, "<f8", 8, shape, values.length,
        (buf, first, n) -> buf.asDoubleBuffer().put(values, (int) first, n));
  }

  /**
   * Writes {@code v} as a 1-D int32 array: format 1.0, {@code '<i4'}. Atomic; replaces an existing file.
   *
   * @param file where to write
   * @param v the values
   */
  public static void writeIndices(Path file, int[] v) {
    writeArray(file, "<i4", 4, new int[] {v.length}, v.length,
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
    writeArray(file, "|b1", 1, new int[] {m.rows(), cols}, (long) m.rows() * cols, (buf, first, n) -> {
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

  /** Fills {@code buf} (position 0, little-endian) with elements {@code first .. first + n - 1}. */
  @FunctionalInterface
  private interface Filler {
    void fill(ByteBuffer buf, long first, int n);
  }

  private static void checkShape(Path file, int[] shape, int count) {
    Objects.requireNonNull(file, "file");
    if (shape.length > MAX_RANK) {
      throw error(file, "cannot write shape " + pyShape(shape) + ": numpy supports at most " + MAX_RANK
          + " dimensions");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw error(file, "cannot write shape " + pyShape(shape) + ": negative dimension");
      }
      n = Math.min(n * d, 1L << 32); // capped so the product cannot overflow; any cap > 2^31 will do
    }
    if (n != count) {
      throw error(file, "cannot write shape " + pyShape(shape) + ": it needs "
          + (n == 1L << 32 ? "more than 2^32" : String.valueOf(n)) + " values, got " + count);
    }
  }

  private static void writeArray(Path file, String descr, int itemSize, int[] shape, long count, Filler filler) {
    Objects.requireNonNull(file, "file");
    byte[] header = header(descr, shape);
    try {
      AtomicFile.writeChannel(file, ch -> {
        writeFully(ch, ByteBuffer.wrap(header));
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, count * itemSize)))
            .order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / itemSize;
        for (long first = 0; first < count; first += perChunk) {
          int n = (int) Math.min(perChunk, count - first);
          buf.clear();
          filler.fill(buf, first, n);
          buf.position(0).limit(n * itemSize);
          writeFully(ch, buf);
        }
      });
    } catch (IOException e) {
      throw ioError(file, "cannot write", e);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /**
   * The format 1.0 preamble and header for a C-order array, laid out as numpy 1.24 does: the dict
   * with sorted keys, room for the first dimension to grow to 21 digits, then spaces and a final
   * {@code '\n'} up to a multiple of 64 bytes (a full extra 64 if it already was one).
   */
  private static byte[] header(String descr, int[] shape) {
    StringBuilder dict = new StringBuilder("{'descr': '").append(descr)
        .append("', 'fortran_order': False, 'shape': ").append(pyShape(shape)).append(", }");
    if (shape.length > 0) {
      dict.append(" ".repeat(21 - Integer.toString(shape[0]).length()));
    }
    int length = dict.length() + 1; // with the final newline
    int pad = ALIGN - (MAGIC.length + 4 + length) % ALIGN;
    dict.append(" ".repeat(pad)).append('\n');
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + dict.length()).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length());
    out.put(ISO_8859_1.encode(CharBuffer.wrap(dict)));
    return out.array();
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
  private static String describe(NpyHeader h) {
    StringBuilder s = new StringBuilder();
    for (int d : h.shape()) {
      s.append(s.length() == 0 ? "" : " x ").append(d);
    }
    return (h.ndim() == 0 ? "scalar" : s) + " " + h.dtype();
  }

  private static IllegalArgumentException error(Path file, String message) {
    return new IllegalArgumentException(file + ": " + message);
  }

  private static UncheckedIOException ioError(Path file, String action, IOException e) {
    String other = e instanceof FileSystemException f && f.getFile() != null && !f.getFile().equals(file.toString())
        ? " (" + f.getFile() + ")" : "";
    String why = e instanceof NoSuchFileException ? "no such file or directory" + other
        : e instanceof AccessDeniedException ? "permission denied" + other
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new UncheckedIOException(file + ": " + action + ": " + why, e);
  }
}
