package org.infonce4j.word2vec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.infonce4j.Matrix;

/**
 * The parser behind {@link WordVectorsFormat#read}: streams the file through a 1 MiB window (grown
 * only for a longer line or record), so memory is the result plus the window. One instance reads
 * one file. Vectors are numbered from 1 in messages; text line numbers count the header as line 1,
 * so vector k is on line k + 1.
 */
final class WordVectorsReader implements Closeable {

  private static final int CHUNK = 1 << 20;
  private static final int MAX_HEADER = 4096;
  private static final int MAX_WORD = CHUNK; // bytes before the space that ends a binary record's word
  private static final int MAX_LINE = 1 << 30;
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private final Path file;
  private final FileChannel channel;
  private final long fileSize;
  private final DecimalParser numbers = new DecimalParser();
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  private byte[] buf = new byte[CHUNK];
  private ByteBuffer view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
  private int pos;
  private int lim;
  private long base; // file offset of buf[0]
  private boolean eof;

  private int count; // V from the header
  private int dim;
  private boolean bin;
  private String textRejected; // why detection did not take a printable first line as text, for error hints

  WordVectorsReader(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.fileSize = channel.size();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Reads the whole file; {@code binary} null means detect (see {@link WordVectorsFormat}). */
  WordVectors read(Boolean binary) throws IOException {
    readHeader();
    bin = binary != null ? binary : !looksLikeText();
    long firstRecord = base + pos;
    // A record takes at least 1 + 2 * dim bytes (text: a 1-byte word, dim separators and digits),
    // so a header that promises more rows than the file can hold is not believed for allocation.
    long fits = (fileSize - firstRecord) / (1 + 2L * dim) + 1;
    int rows = (int) Math.min(count, fits);
    String[] words = new String[rows];
    float[] data = new float[Math.multiplyExact(rows, dim)]; // rows x dim
    Map<String, Integer> index = new HashMap<>(Math.max(16, (int) (rows / 0.75f) + 1));
    for (int r = 0; r < count; r++) {
      if (r == rows) {
        throw truncated(r, endsAfter(r));
      }
      String word = bin ? binaryRecord(r, data) : textRecord(r, data);
      Integer previous = index.putIfAbsent(word, r);
      if (previous != null) {
        throw error("duplicate word '" + word + "': vector " + (previous + 1) + where(previous)
            + " and vector " + (r + 1) + where(r));
      }
      words[r] = word;
    }
    checkEnd();
    return new WordVectors(words, new Matrix(count, dim, data), index);
  }

  // ---------------------------------------------------------------- header and detection

  private void readHeader() throws IOException {
    if (!ensure(1)) {
      throw error("bad header: the file is empty");
    }
    int nl = lineEnd(MAX_HEADER);
    int end = nl >= 0 ? nl : lim - pos;
    if (end > 0 && buf[pos + end - 1] == '\r') {
      end--;
    }
    String line = new String(buf, pos, Math.min(end, 80), StandardCharsets.ISO_8859_1);
    String shown = printable(line) + (end > 80 ? "..." : "");
    if (nl < 0) {
      throw error(nl == -2 ? "bad header: no line break in the first " + MAX_HEADER + " bytes ('" + shown + "')"
          : "bad header: expected '<vector count> <dimension>' and a line break, got '" + shown + "' and the end of the file");
    }
    String[] parts = new String(buf, pos, nl, StandardCharsets.ISO_8859_1).trim().split("[ \t\r]+");
    long v = parts.length == 2 ? parseCount(parts[0]) : -1;
    long d = parts.length == 2 ? parseCount(parts[1]) : -1;
    if (v < 0 || d < 0) {
      throw error("bad header: expected '<vector count> <dimension>', got '" + shown + "'");
    }
    if (v * d > MAX_VALUES) {
      throw error("bad header: " + v + " vectors of " + d + " floats are more than one Java array holds ("
          + MAX_VALUES + " values)");
    }
    count = (int) v;
    dim = (int) d;
    pos += nl + 1;
  }

  /** A non-negative decimal up to Integer.MAX_VALUE, or -1. */
  private static long parseCount(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= Integer.MAX_VALUE ? v : -1;
  }

  /**
   * The detection rule documented on {@link WordVectorsFormat#read(java.nio.file.Path)}. A file that
   * ends right after the header is read as text. The read position does not move.
   */
  private boolean looksLikeText() throws IOException {
    long limit = MAX_HEADER + 64L * (dim + 1);
    int nl = lineEnd((int) Math.min(limit, MAX_LINE));
    if (count == 0 || (nl == -1 && lim == pos)) {
      return true;
    }
    if (nl == -2) {
      return false; // clearly binary: no hint in error messages
    }
    int end = pos + (nl >= 0 ? nl : lim - pos);
    if (end > pos && buf[end - 1] == '\r') {
      end--;
    }
    int i = pos;
    while (i < end && buf[i] != ' ' && buf[i] != '\t') {
      i++;
    }
    int tail = end - i;
    int values = 0;
    while (i < end) {
      byte b = buf[i];
      if (b == ' ' || b == '\t') {
        i++;
        continue;
      }
      int t = i;
      while (i < end && buf[i] > ' ' && buf[i] < 0x7f) {
        i++;
      }
      if (i == t) {
        return false; // a byte that is not printable ASCII: clearly binary
      }
      numbers.parse(buf, t, i);
      if (numbers.failed()) {
        textRejected = "'" + shorten(new String(buf, t, i - t, StandardCharsets.US_ASCII)) + "' is not a number";
        return false;
      }
      values++;
    }
    if ((values == dim && (dim == 0 || values > 0)) || (values > 0 && tail >= 8)) {
      return true;
    }
    textRejected = values + " numbers after the word, not " + dim;
    return false;
  }

  // ---------------------------------------------------------------- records

  /** Reads text vector {@code r} (0-based) into row r; returns its word. */
  private String textRecord(int r, float[] data) throws IOException {
    int line = r + 2;
    if (!ensure(1)) {
      throw truncated(r, endsAfter(r));
    }
    int nl = lineEnd(MAX_LINE);
    if (nl == -2) {
      throw error("line " + line + " is longer than " + MAX_LINE + " bytes");
    }
    boolean terminated = nl >= 0;
    int s = pos;
    int e = terminated ? pos + nl : lim;
    int next = terminated ? e + 1 : lim;
    if (e > s && buf[e - 1] == '\r') {
      e--;
    }
    if (e == s) {
      throw error("line " + line + " is empty; expected a word and " + dim + " values");
    }
    int w = s;
    while (w < e && buf[w] != ' ' && buf[w] != '\t') {
      w++;
    }
    if (w == s) {
      throw error("line " + line + " starts with a space; expected a word");
    }
    String word = decodeWord(s, w - s, "line " + line);
    int values = 0;
    int row = r * dim;
    int i = w;
    while (i < e) {
      if (buf[i] == ' ' || buf[i] == '\t') {
        i++;
        continue;
      }
      int t = i;
      while (i < e && buf[i] != ' ' && buf[i] != '\t') {
        i++;
      }
      float v = numbers.parse(buf, t, i);
      if (numbers.failed()) {
        if (!terminated) {
          throw truncated(r, "file ends in vector " + (r + 1) + " (word '" + word + "', line " + line + ")");
        }
        throw error("line " + line + ", column " + (t - s + 1) + ": '"
            + shorten(new String(buf, t, i - t, StandardCharsets.ISO_8859_1)) + "' is not a number" + hint());
      }
      if (values < dim) {
        data[row + values] = v;
      }
      values++;
    }
    if (values != dim) {
      if (!terminated && values < dim) {
        throw truncated(r, "file ends in vector " + (r + 1) + " (word '" + word + "', line " + line + ") after "
            + values + " of " + dim + " values");
      }
      throw error("line " + line + ": expected " + dim + " values after the word '" + word + "', got " + values + hint());
    }
    pos = next;
    return word;
  }

  /** Reads binary vector {@code r} (0-based) into row r; returns its word. */
  private String binaryRecord(int r, float[] data) throws IOException {
    while (ensure(1) && buf[pos] == '\n') { // the C tool ends each vector with '\n'; gensim does not
      pos++;
    }
    if (!ensure(1)) {
      throw truncated(r, endsAfter(r));
    }
    long wordAt = base + pos;
    int space = find((byte) ' ', MAX_WORD);
    if (space == -1) {
      throw truncated(r, "file ends in vector " + (r + 1) + ", in its word");
    }
    if (space == -2) {
      throw error("vector " + (r + 1) + ": no space ending its word within " + MAX_WORD + " bytes of byte offset "
          + wordAt + hint());
    }
    if (space == 0) {
      throw error("vector " + (r + 1) + ": empty word at byte offset " + wordAt + hint());
    }
    String word = decodeWord(pos, space, "vector " + (r + 1));
    pos += space + 1;
    int bytes = 4 * dim;
    if (!ensure(bytes)) {
      throw truncated(r, "file ends in vector " + (r + 1) + " (word '" + word + "') after " + (lim - pos) / 4
          + " of " + dim + " floats");
    }
    int row = r * dim;
    for (int j = 0; j < dim; j++) {
      data[row + j] = view.getFloat(pos + 4 * j);
    }
    pos += bytes;
    return word;
  }

  /** After the last vector only white space may follow. */
  private void checkEnd() throws IOException {
    while (ensure(1)) {
      byte b = buf[pos];
      if (b != '\n' && b != '\r' && b != ' ' && b != '\t') {
        throw error("more data after the " + count + " vectors the header announces, at byte offset " + (base + pos));
      }
      pos++;
    }
  }

  /** Decodes {@code len} bytes at {@code at} as UTF-8, strictly. */
  private String decodeWord(int at, int len, String where) {
    boolean ascii = true;
    for (int i = at; i < at + len && ascii; i++) {
      ascii = buf[i] >= 0;
    }
    if (ascii) {
      return new String(buf, at, len, StandardCharsets.ISO_8859_1);
    }
    ByteBuffer in = ByteBuffer.wrap(buf, at, len);
    CharBuffer out = CharBuffer.allocate(len);
    utf8.reset();
    CoderResult result = utf8.decode(in, out, true);
    if (!result.isError()) {
      result = utf8.flush(out);
    }
    if (result.isError()) {
      int bad = in.position();
      throw error(where + ": the word is not valid UTF-8 (byte 0x" + Integer.toHexString(buf[bad] & 0xff)
          + " at byte offset " + (base + bad) + ")" + hint());
    }
    return out.flip().toString();
  }

  // ---------------------------------------------------------------- buffer

  /** Makes at least {@code n} bytes available from {@code pos}; false if the file ends first. */
  private boolean ensure(int n) throws IOException {
    while (lim - pos < n) {
      if (!fill(n)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The offset from {@code pos} of the first line break, reading on as needed: -1 if the file ends
   * first (the unterminated rest is {@code [pos, lim)}), -2 if none comes within {@code max} bytes.
   */
  private int lineEnd(int max) throws IOException {
    return find((byte) '\n', max);
  }

  /** Like {@link #lineEnd} for any byte. */
  private int find(byte target, int max) throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = pos + scanned; i < lim; i++) {
        if (buf[i] == target) {
          return i - pos <= max ? i - pos : -2;
        }
      }
      scanned = lim - pos;
      if (scanned > max) {
        return -2;
      }
      if (!fill(scanned + 1)) {
        return -1;
      }
    }
  }

  /** Moves the unread bytes to the front and reads more, growing the window to hold {@code need}. */
  private boolean fill(int need) throws IOException {
    if (eof) {
      return false;
    }
    if (need > buf.length) {
      byte[] bigger = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length))];
      System.arraycopy(buf, pos, bigger, 0, lim - pos);
      buf = bigger;
      view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    } else if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
    }
    base += pos;
    lim -= pos;
    pos = 0;
    view.clear().position(lim);
    int n = 0;
    while (n == 0) {
      n = channel.read(view);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    lim += n;
    return true;
  }

  // ---------------------------------------------------------------- messages

  private String where(int r) {
    return bin ? "" : " (line " + (r + 2) + ")";
  }

  private String endsAfter(int r) {
    return r == 0 ? "file ends before the first vector" : "file ends after vector " + r + where(r - 1);
  }

  private String hint() {
    return textRejected == null ? "" : " (read as binary: the first vector's line is not text: " + textRejected + ")";
  }

  private IllegalArgumentException truncated(int r, String detail) {
    return error("truncated: expected " + count + " vectors of " + dim + " floats, " + detail + hint());
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(file + ": " + message);
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
