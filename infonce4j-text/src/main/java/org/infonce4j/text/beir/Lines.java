package org.infonce4j.text.beir;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * The lines of a text file, decoded strictly as UTF-8 (a malformed byte is an error that names the
 * line), ends {@code \n} or {@code \r\n} removed, optionally gunzipped, with the SHA-256 of the
 * (uncompressed) bytes.
 */
final class Lines implements Closeable {

  private final String name;
  private final InputStream in;
  private final MessageDigest digest;
  private byte[] buf = new byte[1 << 12];
  private int line;
  private boolean eof;

  /**
   * Reads {@code raw}, gunzipping it when {@code gzip}.
   *
   * @param raw the file's bytes (closed by {@link #close})
   * @param name the file as errors should name it
   * @param gzip whether the bytes are gzip
   */
  Lines(InputStream raw, String name, boolean gzip) throws IOException {
    this.name = name;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    InputStream s = raw;
    try {
      if (gzip) {
        s = new GZIPInputStream(raw, 1 << 16);
      }
    } catch (IOException e) {
      raw.close();
      throw new BeirFormatException(name, 0, null, "not a gzip file (" + e.getMessage() + ")");
    }
    this.in = new BufferedInputStream(new DigestInputStream(s, digest), 1 << 16);
  }

  /**
   * The next line, or null at the end of the file.
   *
   * @return the line without its end
   * @throws BeirFormatException when the line is not valid UTF-8 or the gzip stream is corrupt
   */
  String next() throws IOException {
    if (eof) {
      return null;
    }
    int n = 0;
    int b;
    while (true) {
      try {
        b = in.read();
      } catch (IOException e) {
        throw new BeirFormatException(name, line + 1, null, "cannot read (" + e.getMessage() + ")");
      }
      if (b < 0 || b == '\n') {
        break;
      }
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, n * 2);
      }
      buf[n++] = (byte) b;
    }
    if (b < 0) {
      eof = true;
      if (n == 0) {
        return null;
      }
    }
    line++;
    if (n > 0 && buf[n - 1] == '\r') {
      n--;
    }
    int from = line == 1 && n >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF ? 3 : 0;
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, from, n - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BeirFormatException(name, line, null, "not valid UTF-8 (" + e.getMessage() + ")");
    }
  }

  /**
   * The number of the line {@link #next} returned last.
   *
   * @return the line number from 1, 0 before the first
   */
  int line() {
    return line;
  }

  /**
   * Reads to the end and returns the SHA-256 of every byte read, in lower-case hex.
   *
   * @return the checksum of the whole (uncompressed) file
   */
  String sha256() throws IOException {
    byte[] skip = new byte[1 << 16];
    while (in.read(skip) >= 0) {
      // drain
    }
    eof = true;
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
