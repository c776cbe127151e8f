package org.infonce4j.word2vec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A text corpus: one file, or every regular file under a directory (in name order), plain or
 * gzip-compressed (recognised by its magic bytes). Streamed, never held in memory: tokens are runs
 * of bytes between ASCII whitespace, a line is a sentence. Bytes are handed out raw; the
 * {@link Vocabulary} checks that every distinct token is valid UTF-8.
 */
public final class Corpus {

  /** Longest token, in bytes; longer runs are an error (they are not words). */
  static final int MAX_TOKEN_BYTES = 1 << 16;
  private static final int BUFFER = 1 << 20;

  private final Path root;
  private final List<Path> files;

  private Corpus(Path root, List<Path> files) {
    this.root = root;
    this.files = files;
  }

  /**
   * The corpus at {@code path}: a file, or a directory whose regular files (searched recursively,
   * hidden ones skipped) are read in path order.
   *
   * @param path a corpus file, or a directory of them
   * @return the corpus, its file list fixed
   * @throws IllegalArgumentException when the path does not exist or holds no file
   * @throws UncheckedIOException     when the directory cannot be listed
   */
  public static Corpus of(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(path + ": no such file or directory");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.walk(path)) {
        s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(path + ": cannot list the directory: " + e.getMessage(), e);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(path + ": the corpus directory holds no file");
      }
    } else {
      files.add(path);
    }
    return new Corpus(path, List.copyOf(files));
  }

  /**
   * The path given to {@link #of(Path)}.
   *
   * @return the file or directory
   */
  public Path root() {
    return root;
  }

  /**
   * The files read, in order.
   *
   * @return the files, an unmodifiable list
   */
  public List<Path> files() {
    return files;
  }

  /** Receives the corpus token by token. */
  interface Handler {
    /** A token: {@code buf[start .. start+len)}; valid only during the call. */
    void token(byte[] buf, int start, int len, Position at);

    /** The end of a line (a sentence). */
    void endOfLine();
  }

  /** Where the scan is, for error messages. */
  static final class Position {
    Path file;
    long line; // 1-based
    long offset; // byte offset of the current token in the (decompressed) file

    @Override
    public String toString() {
      return file + ": line " + line + ", byte " + offset;
    }
  }

  /** Streams every file through {@code handler}. */
  void scan(Handler handler) {
    byte[] buf = new byte[BUFFER];
    Position at = new Position();
    for (Path file : files) {
      at.file = file;
      at.line = 1;
      try (InputStream in = open(file)) {
        scan(in, buf, handler, at);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
      }
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  private static boolean space(byte b) {
    return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' || b == 0x0b;
  }

  private static void scan(InputStream in, byte[] buf, Handler handler, Position at) throws IOException {
    int filled = 0; // bytes in buf
    int tokenStart = -1; // start of the token being read, or -1
    long base = 0; // file offset of buf[0]
    boolean lineHasContent = false;
    while (true) {
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        break;
      }
      int end = filled + n;
      for (int i = filled; i < end; i++) {
        byte b = buf[i];
        if (space(b)) {
          if (tokenStart >= 0) {
            at.offset = base + tokenStart;
            handler.token(buf, tokenStart, i - tokenStart, at);
            tokenStart = -1;
            lineHasContent = true;
          }
          if (b == '\n') {
            if (lineHasContent) {
              handler.endOfLine();
              lineHasContent = false;
            }
            at.line++;
          }
        } else if (tokenStart < 0) {
          tokenStart = i;
        }
      }
      // Keep an unfinished token: move it to the front of the buffer.
      if (tokenStart >= 0) {
        int keep = end - tokenStart;
        if (keep >= MAX_TOKEN_BYTES) {
          throw new IllegalArgumentException(at.file + ": line " + at.line + ": a token longer than " + MAX_TOKEN_BYTES
              + " bytes (is this a text file?)");
        }
        System.arraycopy(buf, tokenStart, buf, 0, keep);
        base += tokenStart;
        tokenStart = 0;
        filled = keep;
      } else {
        base += end;
        filled = 0;
      }
    }
    if (tokenStart >= 0) {
      at.offset = base + tokenStart;
      handler.token(buf, tokenStart, filled - tokenStart, at);
      lineHasContent = true;
    }
    if (lineHasContent) {
      handler.endOfLine();
    }
  }
}
