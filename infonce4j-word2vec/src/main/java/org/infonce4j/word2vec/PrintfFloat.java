package org.infonce4j.word2vec;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Formats a float as C's {@code printf("%lf", (double) value)} does with glibc: six decimals, the
 * exact binary value rounded half to even, a leading {@code '-'} whenever the sign bit is set (so
 * {@code -0.0f} and {@code -1e-7f} print {@code "-0.000000"}), {@code "inf"}, {@code "-inf"},
 * {@code "nan"} and {@code "-nan"} for the non-finite values.
 *
 * <p>Why the fast path is exact: a finite float is {@code m * 2^e} with {@code m < 2^24}, and
 * {@code 10^6 = 15625 * 2^6} with {@code 15625 < 2^14}, so {@code value * 10^6} has at most 38
 * significant bits and is computed exactly in double arithmetic. {@link Math#rint} then rounds that
 * exact product half to even, which is what glibc does to the exact value. Products of
 * {@code 2^63} or more (values above about 9.2e12) take a {@link BigDecimal} path; so does nothing
 * else, ties included.
 */
final class PrintfFloat {

  /** The longest output: "-" + 39 integer digits (FLT_MAX) + "." + 6 decimals. */
  static final int MAX_LENGTH = 47;

  private static final double LONG_LIMIT = 0x1p63;
  private static final byte[] INF = {'i', 'n', 'f'};
  private static final byte[] NAN = {'n', 'a', 'n'};

  private PrintfFloat() {
  }

  /**
   * Writes {@code value} as {@code "%lf"} would into {@code out} from {@code pos}; returns the
   * position after the last byte. {@code out} needs {@link #MAX_LENGTH} bytes of room.
   */
  static int format(float value, byte[] out, int pos) {
    int bits = Float.floatToRawIntBits(value);
    if (bits < 0) {
      out[pos++] = '-';
    }
    float a = Math.abs(value);
    if (Float.isNaN(a) || Float.isInfinite(a)) {
      byte[] word = Float.isNaN(a) ? NAN : INF;
      System.arraycopy(word, 0, out, pos, 3);
      return pos + 3;
    }
    double scaled = Math.rint((double) a * 1e6); // exact product, rounded half to even
    if (scaled >= LONG_LIMIT) {
      String s = new BigDecimal(a).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
      for (int i = 0; i < s.length(); i++) {
        out[pos++] = (byte) s.charAt(i);
      }
      return pos;
    }
    long r = (long) scaled;
    long whole = r / 1_000_000;
    int frac = (int) (r - whole * 1_000_000);
    pos = digits(whole, out, pos);
    out[pos] = '.';
    for (int i = 6; i >= 1; i--) {
      out[pos + i] = (byte) ('0' + frac % 10);
      frac /= 10;
    }
    return pos + 7;
  }

  /** The same text as a String (for tests and messages). */
  static String toString(float value) {
    byte[] buf = new byte[MAX_LENGTH];
    int n = format(value, buf, 0);
    return new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** Writes the decimal digits of {@code v >= 0}. */
  private static int digits(long v, byte[] out, int pos) {
    int n = 1;
    for (long t = v / 10; t != 0; t /= 10) {
      n++;
    }
    for (int i = pos + n - 1; i >= pos; i--) {
      out[i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    }
    return pos + n;
  }
}
