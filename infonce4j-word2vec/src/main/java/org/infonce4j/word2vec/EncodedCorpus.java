package org.infonce4j.word2vec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The corpus as word ids: a temporary file of little-endian int32, one id per kept token and
 * {@link #END} after each sentence, memory-mapped for training. Tokens outside the vocabulary are
 * dropped (as the word2vec tool does) and sentences are cut every {@code maxSentence} kept tokens.
 * Training reads it once per epoch instead of parsing the text again; the heap holds none of it.
 */
final class EncodedCorpus implements SentenceSource, AutoCloseable {

  /** The sentence separator. */
  static final int END = -1;
  /** Ints per mapped segment (1 GiB). */
  private static final int SEGMENT = 1 << 28;

  private final Path file;
  private final long length; // ints, separators included
  private final long tokens; // kept tokens
  private final IntBuffer[] segments;

  private EncodedCorpus(Path file, long length, long tokens) {
    this.file = file;
    this.length = length;
    this.tokens = tokens;
    int count = (int) ((length + SEGMENT - 1) / SEGMENT);
    this.segments = new IntBuffer[count];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int s = 0; s < count; s++) {
        long from = (long) s * SEGMENT;
        long ints = Math.min(SEGMENT, length - from);
        segments[s] = ch.map(FileChannel.MapMode.READ_ONLY, from * 4, ints * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot map the encoded corpus: " + e.getMessage(), e);
    }
  }

  /** Encodes {@code corpus} with {@code vocab} into a temporary file in {@code dir}. */
  static EncodedCorpus encode(Corpus corpus, Vocabulary vocab, int maxSentence, Path dir) {
    Path file;
    try {
      file = Files.createTempFile(dir, ".infonce4j-corpus-", ".ids");
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot create a temporary file: " + e.getMessage(), e);
    }
    file.toFile().deleteOnExit();
    long[] counts = new long[2]; // ints written, tokens written
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      int[] inSentence = {0};
      corpus.scan(new Corpus.Handler() {
        @Override
        public void token(byte[] buf, int start, int len, Corpus.Position at) {
          int id = vocab.find(buf, start, len);
          if (id < 0) {
            return;
          }
          write(id);
          counts[1]++;
          if (++inSentence[0] == maxSentence) {
            endOfLine();
          }
        }

        @Override
        public void endOfLine() {
          if (inSentence[0] > 0) {
            write(END);
            inSentence[0] = 0;
          }
        }

        private void write(int v) {
          if (!buffer.hasRemaining()) {
            drain(out, buffer, file);
          }
          buffer.putInt(v);
          counts[0]++;
        }
      });
      drain(out, buffer, file);
    } catch (IOException e) {
      deleteQuietly(file);
      throw new UncheckedIOException(file + ": cannot write the encoded corpus: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(file);
      throw e;
    }
    return new EncodedCorpus(file, counts[0], counts[1]);
  }

  private static void drain(FileChannel out, ByteBuffer buffer, Path file) {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write the encoded corpus: " + e.getMessage(), e);
    }
    buffer.clear();
  }

  /** Ints in the stream, separators included. */
  @Override
  public long length() {
    return length;
  }

  /** Kept tokens (the words trained on, before subsampling). */
  @Override
  public long tokens() {
    return tokens;
  }

  /** The id at position {@code i}, or {@link #END}. */
  int get(long i) {
    return segments[(int) (i / SEGMENT)].get((int) (i % SEGMENT));
  }

  /**
   * Copies the sentence that starts at {@code pos} into {@code out}; returns its length. The next
   * sentence starts at {@code pos + length + 1}.
   */
  @Override
  public int sentence(long pos, int[] out) {
    int n = 0;
    for (long i = pos; i < length; i++) {
      int id = get(i);
      if (id == END) {
        break;
      }
      out[n++] = id;
    }
    return n;
  }

  /** The first sentence start at or after {@code pos} (a position just after an {@link #END}, or 0). */
  @Override
  public long sentenceStartFrom(long pos) {
    if (pos <= 0) {
      return 0;
    }
    long i = pos;
    while (i < length && get(i - 1) != END) {
      i++;
    }
    return i;
  }

  @Override
  public void close() {
    deleteQuietly(file);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temporary file; deleteOnExit is the fallback
    }
  }
}
