package org.infonce4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes go
 * to a temporary file in the same directory (a hidden name of at most about 120 characters, created
 * exclusively), are forced to disk, and the temporary file is moved over the target in one step. On
 * any failure the temporary file is removed and the target is left as it was. Every writer of
 * files in the project (arrays, word vectors, checkpoints, reports, plots) goes through here.
 */
public final class AtomicFile {

  /** Writes the content to a stream. */
  @FunctionalInterface
  public interface Writer {
    /**
     * Writes the whole content to {@code out}; it need not flush or close it.
     *
     * @param out the stream to the temporary file
     * @throws IOException when writing fails; the target is then left as it was
     */
    void write(OutputStream out) throws IOException;
  }

  /** Writes the content to a channel (positioned at 0; large writes without a stream's copies). */
  @FunctionalInterface
  public interface ChannelWriter {
    /**
     * Writes the file's whole content.
     *
     * @param channel the temporary file, positioned at 0
     * @throws IOException as the file system reports it
     */
    void write(FileChannel channel) throws IOException;
  }

  private AtomicFile() {
  }

  /**
   * Writes {@code target} atomically through a channel.
   *
   * @param target the file to create or replace
   * @param writer writes the whole content
   * @throws IOException as the file system reports it; the target is then unchanged
   */
  public static void writeChannel(Path target, ChannelWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path tmp = null;
    try {
      FileChannel channel = null;
      String name = abs.getFileName().toString();
      for (int attempt = 0; channel == null; attempt++) {
        Path candidate = abs.resolveSibling("." + name.substring(0, Math.min(name.length(), 100)) + "."
            + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
          channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          tmp = candidate;
        } catch (FileAlreadyExistsException e) {
          if (attempt == 9) {
            throw e;
          }
        }
      }
      try (FileChannel ch = channel) {
        writer.write(ch);
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException | RuntimeException | Error e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException d) {
          e.addSuppressed(d);
        }
      }
      throw e;
    }
  }

  /**
   * Writes {@code target} atomically through a buffered stream.
   *
   * @param target the file to write or replace
   * @param writer what writes its content
   * @throws UncheckedIOException naming the target when anything fails
   */
  public static void write(Path target, Writer writer) {
    try {
      writeChannel(target, ch -> {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        writer.write(out);
        out.flush();
      });
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a UTF-8 text file atomically.
   *
   * @param target the file to write or replace
   * @param text its content
   */
  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }
}
