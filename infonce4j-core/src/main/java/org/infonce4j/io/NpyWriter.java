package org.infonce4j.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.infonce4j.io.Npy.CHUNK;
import static org.infonce4j.io.Npy.MAGIC;
import static org.infonce4j.io.Npy.MAX_RANK;
import static org.infonce4j.io.Npy.error;
import static org.infonce4j.io.Npy.ioError;
import static org.infonce4j.io.Npy.pyShape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes {@code .npy} files for the writers of {@link Npy}: format 1.0, little-endian, C order, the
 * header laid out as {@code numpy.save} (1.24) lays it out, the data streamed through a 1 MiB buffer,
 * the whole written atomically ({@link AtomicFile}).
 */
final class NpyWriter {
  private static final int ALIGN = 64;

  private NpyWriter() {
  }

  /** Fills {@code buf} (position 0, little-endian) with elements {@code first .. first + n - 1}. */
  @FunctionalInterface
  interface Filler {
    void fill(ByteBuffer buf, long first, int n);
  }

  /**
   * Checks, before anything is written, that {@code shape} has at most 32 dimensions, none negative,
   * and holds {@code count} values.
   */
  static void checkShape(Path file, int[] shape, int count) {
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

  /**
   * Writes {@code count} elements of {@code itemSize} bytes, filled by {@code filler}, as a C-order
   * array of dtype {@code descr} and shape {@code shape}; atomically.
   */
  static void writeArray(Path file, String descr, int itemSize, int[] shape, long count, Filler filler) {
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
}
