package org.infonce4j.word2vec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import org.infonce4j.io.AtomicFile;

/**
 * Reads and writes word vectors in the two formats of the word2vec C tool (word2vec.c), which
 * gensim's {@code save_word2vec_format} and {@code load_word2vec_format} also use.
 *
 * <p>Both formats start with the text header {@code "<V> <dim>\n"} (vector count, dimension), then
 * V records in file order:
 * <ul>
 *   <li>text: the word's UTF-8 bytes, then for each component a space and the value, then
 *       {@code '\n'}. The C tool writes {@code printf("%s ", word)}, then {@code printf("%lf ", v)}
 *       for each value, then {@code "\n"}: six decimals each, every value followed by a space, so
 *       lines end in {@code " \n"}; gensim writes {@code repr} of each float32 and no trailing
 *       space.</li>
 *   <li>binary: the word, a space, {@code dim} float32 values as raw little-endian bytes (the C
 *       tool's {@code fwrite} on x86), then {@code '\n'}; gensim 4 writes no {@code '\n'}.</li>
 * </ul>
 *
 * <p>{@link #write} produces the C tool's bytes exactly. {@link #read} accepts both tools'
 * output: in text, values separated by any run of spaces or tabs, optional trailing white space and
 * {@code '\r'}, numbers in decimal or exponent notation (and {@code inf}/{@code nan}), parsed to
 * the nearest float; in binary, line breaks before a word are skipped. White space may follow the
 * last vector; anything else there is an error. Words must be valid UTF-8 and unique. Files are
 * streamed through a small buffer, never read whole.
 *
 * <p>Errors: a malformed file raises {@link IllegalArgumentException}, a failing file system
 * operation {@link UncheckedIOException}; the message starts with the file path and says where
 * (vectors numbered from 1, text lines numbered from 1 with the header as line 1, byte offsets from
 * 0), e.g. {@code "vec.bin: truncated: expected 51463 vectors of 100 floats, file ends in vector 12
 * (word 'foo') after 37 of 100 floats"}.
 */
public final class WordVectorsFormat {

  private static final int CHUNK = 1 << 20;

  private WordVectorsFormat() {
  }

  /**
   * Reads a file in either format, telling them apart by its first vector. The rule: after the
   * header line comes the first word and a space; the file is text when the rest of that line (up
   * to the first {@code '\n'}, found within {@code 4096 + 64 * (dim + 1)} bytes, or the end of the
   * file) is printable ASCII forming white-space separated numbers, exactly {@code dim} of them, or
   * at least one spread over at least 8 bytes (a text file with a wrong count, then reported as
   * such); otherwise it is binary. Raw floats pass only if their bytes up to a 0x0A byte all read as
   * numbers: about 1 file in 6,500 for dimension 1 (a digit byte, then 0x0A), about 1 in 50 million
   * for dimension 2 or more. Use {@link #read(Path, boolean)} to force a format. When detection
   * chose binary although the first line was printable, error messages say why it was not text.
   *
   * @param file the file to read
   * @return the words and vectors, in file order
   * @throws IllegalArgumentException for a malformed file (see the class comment)
   * @throws UncheckedIOException if the file cannot be read
   */
  public static WordVectors read(Path file) {
    return read(file, null);
  }

  /**
   * Reads a file in the given format ({@code binary} true: binary, false: text).
   *
   * @param file the file to read
   * @param binary true for the binary format, false for text
   * @return the words and vectors, in file order
   * @throws IllegalArgumentException for a malformed file (see the class comment)
   * @throws UncheckedIOException if the file cannot be read
   */
  public static WordVectors read(Path file, boolean binary) {
    return read(file, Boolean.valueOf(binary));
  }

  private static WordVectors read(Path file, Boolean binary) {
    Objects.requireNonNull(file, "file");
    try (WordVectorsReader reader = new WordVectorsReader(file)) {
      return reader.read(binary);
    } catch (IOException e) {
      throw ioError(file, "cannot read", e);
    }
  }

  /**
   * Writes {@code vectors} byte for byte as word2vec.c does: the header {@code "<V> <dim>\n"},
   * then per word {@code "%s "} and either {@code "%lf "} per value (six decimals, the exact float
   * rounded half to even as glibc does; {@code -0.0} and small negatives print {@code -0.000000})
   * or the raw little-endian float32 bytes, then {@code "\n"}. Atomic: written under a temporary
   * name in the same directory, then renamed over {@code file}; on failure the temporary file
   * is removed and a file already under that name is left as it was.
   *
   * @param file the file to write (replaced if it exists)
   * @param vectors the words and vectors, written in their order
   * @param binary true for the binary format, false for text
   * @throws IllegalArgumentException before anything is written if a word is empty, contains a
   *     space, tab, line break, carriage return, vertical tab or form feed, or an unpaired surrogate
   *     (such a word could not be read back)
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Path file, WordVectors vectors, boolean binary) {
    Objects.requireNonNull(file, "file");
    String[] words = vectors.wordArray();
    byte[][] encoded = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      encoded[i] = encode(file, words[i], i);
    }
    try {
      AtomicFile.writeChannel(file, channel -> writeRecords(channel, encoded, vectors, binary));
    } catch (IOException e) {
      throw ioError(file, "cannot write", e);
    }
  }

  private static void writeRecords(FileChannel channel, byte[][] words, WordVectors vectors, boolean binary)
      throws IOException {
    int dim = vectors.dim();
    float[] data = vectors.vectors().data(); // V x dim
    byte[] out = new byte[CHUNK];
    ByteBuffer view = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    int room = binary ? 4 : PrintfFloat.MAX_LENGTH + 1; // bytes one value can take
    int n = put(out, 0, (words.length + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII), channel);
    for (int r = 0; r < words.length; r++) {
      n = put(out, n, words[r], channel);
      n = put(out, n, (byte) ' ', channel);
      int row = r * dim;
      for (int j = 0; j < dim; j++) {
        if (n + room > out.length) {
          n = flush(channel, out, n);
        }
        if (binary) {
          view.putFloat(n, data[row + j]);
          n += 4;
        } else {
          n = PrintfFloat.format(data[row + j], out, n);
          out[n++] = ' ';
        }
      }
      n = put(out, n, (byte) '\n', channel);
    }
    flush(channel, out, n);
  }

  private static int put(byte[] out, int n, byte b, FileChannel channel) throws IOException {
    if (n == out.length) {
      n = flush(channel, out, n);
    }
    out[n] = b;
    return n + 1;
  }

  private static int put(byte[] out, int n, byte[] bytes, FileChannel channel) throws IOException {
    if (n + bytes.length > out.length) {
      n = flush(channel, out, n);
      if (bytes.length > out.length) {
        writeFully(channel, ByteBuffer.wrap(bytes));
        return 0;
      }
    }
    System.arraycopy(bytes, 0, out, n, bytes.length);
    return n + bytes.length;
  }

  private static int flush(FileChannel channel, byte[] out, int n) throws IOException {
    writeFully(channel, ByteBuffer.wrap(out, 0, n));
    return 0;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /** The UTF-8 bytes of a word that both formats can carry. */
  private static byte[] encode(Path file, String word, int i) {
    String problem = word.isEmpty() ? "is empty" : null;
    for (int k = 0; k < word.length() && problem == null; k++) {
      char c = word.charAt(k);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f') {
        problem = "contains the white space character U+" + String.format("%04X", (int) c);
      } else if (Character.isHighSurrogate(c) && k + 1 < word.length() && Character.isLowSurrogate(word.charAt(k + 1))) {
        k++;
      } else if (Character.isSurrogate(c)) {
        problem = "contains an unpaired surrogate at char " + k;
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(file + ": cannot write word " + i + " ('" + word + "'): it " + problem);
    }
    return word.getBytes(StandardCharsets.UTF_8);
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
