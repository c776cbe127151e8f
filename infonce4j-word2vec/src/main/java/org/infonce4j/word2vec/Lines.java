package org.infonce4j.word2vec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a small UTF-8 text file line by line, decoding each line on its own so that invalid UTF-8
 * is reported with its line number. Lines end at {@code '\n'}; a {@code '\r'} before it is dropped.
 */
final class Lines {

  /** Receives each line with its number (from 1). */
  interface Handler {
    void line(String text, int number);
  }

  private Lines() {
  }

  /**
   * Calls {@code handler} for every line of {@code file}.
   *
   * @throws IllegalArgumentException if a line is not valid UTF-8 (naming file and line)
   * @throws UncheckedIOException if the file cannot be read
   */
  static void read(Path file, Handler handler) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int number = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int b = in.read();; b = in.read()) {
        if (b == '\n' || (b < 0 && line.size() > 0)) {
          number++;
          byte[] bytes = line.toByteArray();
          int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          String text;
          try {
            text = utf8.decode(ByteBuffer.wrap(bytes, 0, n)).toString();
          } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": line " + number + ": not valid UTF-8", e);
          }
          handler.line(text, number);
          line.reset();
        } else if (b >= 0) {
          line.write(b);
        }
        if (b < 0) {
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e, e);
    }
  }
}
