package org.infonce4j.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.infonce4j.io.Npy.MAGIC;
import static org.infonce4j.io.Npy.MAX_RANK;
import static org.infonce4j.io.Npy.describe;
import static org.infonce4j.io.Npy.error;
import static org.infonce4j.io.NpyDictParser.repr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the header of a {@code .npy} file: the magic bytes, the format version (1.0, 2.0
 * or 3.0) and header length, the header dictionary (parsed by {@link NpyDictParser}) with its
 * {@code descr}, {@code fortran_order} and {@code shape}, and that the file holds exactly the data
 * the header describes. Errors are {@link IllegalArgumentException}s whose message starts with the
 * file path.
 */
final class NpyHeaderParser {
  private static final int MAX_HEADER = 1 << 20;

  private NpyHeaderParser() {
  }

  /** The format version, and where the header text lies: {@code length} bytes from {@code start}. */
  private record Preamble(int major, int minor, int start, long length) {
  }

  /**
   * Parses and checks the header of {@code file}, open as {@code channel}, including that the file
   * size matches the data the header describes; {@code expected} names the dtypes the caller reads,
   * for the messages.
   */
  static NpyHeader parse(Path file, FileChannel channel, String expected) throws IOException {
    long fileSize = channel.size();
    Preamble pre = readPreamble(file, channel, fileSize);
    ByteBuffer raw = ByteBuffer.allocate((int) pre.length()); // raw: header bytes
    readUpTo(channel, raw, pre.start());
    raw.flip();
    Map<String, Object> dict = new NpyDictParser(file, decode(file, raw, pre.major())).parse();
    checkKeys(file, dict);
    NpyHeader h = toHeader(file, dict, expected, pre);
    checkDataLength(file, h, fileSize);
    return h;
  }

  /** Reads and checks the magic bytes, the format version and the header length. */
  private static Preamble readPreamble(Path file, FileChannel channel, long fileSize) throws IOException {
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
    return new Preamble(major, minor, start, length);
  }

  /** The header text: UTF-8 in format 3.0, Latin-1 before. */
  private static String decode(Path file, ByteBuffer raw, int major) {
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
    return text;
  }

  /** Checks that the dictionary has exactly the keys descr, fortran_order and shape. */
  private static void checkKeys(Path file, Map<String, Object> dict) {
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
  }

  /** The header that the checked dictionary describes, its data following the header text. */
  private static NpyHeader toHeader(Path file, Map<String, Object> dict, String expected, Preamble pre) {
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
    long dataOffset = pre.start() + pre.length();
    return new NpyHeader(pre.major(), pre.minor(), d, dtype, byteOrder, itemSize, shape, (Boolean) fortran, dataOffset);
  }

  /** Checks that the file holds exactly the data bytes that header {@code h} describes. */
  private static void checkDataLength(Path file, NpyHeader h, long fileSize) {
    long size = 1;
    for (int dim : h.shape()) {
      size = multiply(file, size, dim);
    }
    long need = multiply(file, size, h.itemSize());
    long have = fileSize - h.dataOffset();
    if (have < need) {
      throw error(file, "truncated: header says " + describe(h) + " (" + need + " bytes of data) but the file has "
          + have + " bytes of data");
    }
    if (have > need) {
      throw error(file, "the file has " + (have - need) + " extra bytes after the data (header says "
          + describe(h) + ", " + need + " bytes)");
    }
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
}
