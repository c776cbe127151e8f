package org.infonce4j.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX files MNIST and Fashion-MNIST ship in, plain or gzip-compressed (recognised by
 * the magic bytes). Only unsigned-byte data (type 0x08) is supported, which is what those datasets
 * use. Errors name the file.
 */
public final class Idx {

  /**
   * An IDX array: its shape and its bytes as unsigned values 0..255 in row-major order.
   *
   * @param shape dimensions, e.g. {@code [60000, 28, 28]}
   * @param data  {@code product(shape)} values
   */
  public record Array(int[] shape, byte[] data) {
    /**
     * Element {@code i} as an int 0..255.
     *
     * @param i the row-major index
     * @return the value
     */
    public int get(int i) {
      return data[i] & 0xff;
    }

    /**
     * Number of items (the first dimension).
     *
     * @return {@code shape[0]}
     */
    public int items() {
      return shape[0];
    }

    /**
     * Values per item (the product of the remaining dimensions).
     *
     * @return the values of one item, 1 for a 1-D array
     */
    public int itemSize() {
      int s = 1;
      for (int k = 1; k < shape.length; k++) {
        s *= shape[k];
      }
      return s;
    }
  }

  private Idx() {
  }

  /**
   * Reads an unsigned-byte IDX file.
   *
   * @param file the IDX file, plain or gzip
   * @return its shape and bytes
   * @throws IllegalArgumentException when the file is not IDX, has another element type, or is
   *                                  truncated
   * @throws UncheckedIOException     when it cannot be read
   */
  public static Array read(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
      DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
      int magic;
      try {
        magic = data.readInt();
      } catch (EOFException e) {
        throw new IllegalArgumentException(file + ": not an IDX file (shorter than its 4-byte magic number)");
      }
      if ((magic >>> 16) != 0) {
        throw new IllegalArgumentException(file + ": not an IDX file (bad magic number 0x" + Integer.toHexString(magic) + ")");
      }
      int type = (magic >>> 8) & 0xff;
      int dims = magic & 0xff;
      if (type != 0x08) {
        throw new IllegalArgumentException(file + ": IDX element type 0x" + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)");
      }
      if (dims < 1 || dims > 4) {
        throw new IllegalArgumentException(file + ": IDX file with " + dims + " dimensions is not supported");
      }
      int[] shape = new int[dims];
      long total = 1;
      for (int k = 0; k < dims; k++) {
        shape[k] = data.readInt();
        if (shape[k] < 0) {
          throw new IllegalArgumentException(file + ": negative dimension " + shape[k]);
        }
        total *= shape[k];
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(file + ": " + total + " values do not fit one array");
      }
      long header = 4L + 4L * dims;
      if (!gzip && Files.size(file) < header + total) {
        // Checked before anything is allocated: a small file must not cost the memory its header claims.
        throw new IllegalArgumentException(file + ": truncated: the header says " + Arrays.toString(shape) + " (" + total
            + " bytes of data) but the file has " + (Files.size(file) - header));
      }
      // A gzip file's length is known only once it is read: readNBytes grows its buffer with the bytes that arrive.
      byte[] values = data.readNBytes((int) total);
      if (values.length < total) {
        throw new IllegalArgumentException(file + ": truncated: the header says " + Arrays.toString(shape) + " (" + total
            + " bytes of data) but the file has " + values.length);
      }
      if (data.read() >= 0) {
        throw new IllegalArgumentException(file + ": extra bytes after the " + total + " values the header announces");
      }
      return new Array(shape, values);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(file + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
