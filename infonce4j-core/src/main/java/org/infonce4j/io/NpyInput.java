package org.infonce4j.io;

import static org.infonce4j.io.Npy.CHUNK;
import static org.infonce4j.io.Npy.error;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/**
 * An open {@code .npy} file positioned on its data, handing out the data one buffer at a time: what
 * the readers of {@link Npy} decode. {@link #open} checks the header ({@link NpyHeaderParser}).
 */
final class NpyInput implements Closeable {
  private final Path file;
  private final FileChannel channel;
  final NpyHeader header;
  private ByteBuffer buffer; // allocated by the first next()
  private long position;
  private long remaining;

  private NpyInput(Path file, FileChannel channel, NpyHeader header) {
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

  /**
   * Opens {@code file}, parses and checks its header, including that the file size matches the
   * data the header describes, and that the dtype is in {@code allowed} (any supported if null).
   */
  static NpyInput open(Path file, String expected, Set<String> allowed) throws IOException {
    Objects.requireNonNull(file, "file");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      NpyHeader h = NpyHeaderParser.parse(file, channel, expected);
      if (allowed != null && !allowed.contains(h.dtype())) {
        throw error(file, "unsupported dtype '" + h.descr() + "' (expected " + expected + ")");
      }
      return new NpyInput(file, channel, h);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }
}
