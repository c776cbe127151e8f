package org.infonce4j.word2vec;

import java.nio.charset.StandardCharsets;

/**
 * Parses ASCII decimal numbers into the nearest float, as {@link Float#parseFloat} would, without
 * allocating in the common case.
 *
 * <p>Accepted: an optional sign, digits with an optional fraction (at least one digit in all), an
 * optional exponent ({@code e} or {@code E}, optional sign, digits); or, ignoring case and after an
 * optional sign, {@code inf}, {@code infinity} and {@code nan} (C's printf writes those). Nothing
 * else: no hexadecimal, no {@code f}/{@code d} suffix, no surrounding spaces.
 *
 * <p>Fast path: up to 18 significant digits and a decimal exponent within [-22, 22] make one
 * correctly rounded double operation ({@code m * 10^k} or {@code m / 10^k} with both operands
 * exact). Rounding that double to float then gives the correctly rounded float, unless the double
 * lies exactly halfway between two floats (double rounding could go the wrong way) or below the
 * smallest normal float; those cases, and all other shapes, go to {@link Float#parseFloat}.
 * {@code -nan} gives the NaN with the sign bit set, so C's output round-trips bit for bit.
 */
final class DecimalParser {

  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  /** The NaN with the sign bit set, what glibc prints as "-nan". */
  static final float NEGATIVE_NAN = Float.intBitsToFloat(0xffc00000);

  private boolean failed;

  /** Whether the last {@link #parse} call met text that is not a number. */
  boolean failed() {
    return failed;
  }

  /** Parses {@code a[from, to)}; on invalid text sets {@link #failed()} and returns NaN. */
  float parse(byte[] a, int from, int to) {
    failed = false;
    // The common shape first, "-?digits.digits" with at most 18 digits in all (printf's "%lf").
    int i = from;
    boolean negative = i < to && a[i] == '-';
    if (negative) {
      i++;
    }
    int start = i;
    long m = 0;
    int point = -1;
    for (; i < to; i++) {
      int d = a[i] - '0';
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
      } else if (a[i] == '.' && point < 0) {
        point = i;
      } else {
        break;
      }
    }
    int digits = i - start - (point < 0 ? 0 : 1);
    if (i == to && digits > 0 && digits <= 18) {
      int exp10 = point < 0 ? 0 : point + 1 - to;
      if (m == 0) {
        return negative ? -0f : 0f;
      }
      float f = exact(m, exp10);
      if (!Float.isNaN(f)) {
        return negative ? -f : f;
      }
    }
    return general(a, from, to);
  }

  /**
   * {@code m * 10^exp10} rounded to float when one double operation gives it exactly (see the
   * class comment), else NaN.
   */
  private static float exact(long m, int exp10) {
    if (m >= (1L << 53) || exp10 < -22 || exp10 > 22) {
      return Float.NaN;
    }
    double d = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
    long bits = Double.doubleToRawLongBits(d);
    boolean halfway = (bits & 0x1FFF_FFFFL) == 0x1000_0000L; // 29 bits below float precision
    return halfway || d < Float.MIN_NORMAL ? Float.NaN : (float) d;
  }

  /** Every accepted form: signs, exponents, long digit strings, inf and nan. */
  private float general(byte[] a, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (a[i] == '-' || a[i] == '+')) {
      negative = a[i] == '-';
      i++;
    }
    if (i < to && (a[i] | 0x20) >= 'a' && (a[i] | 0x20) <= 'z') {
      return special(a, i, to, negative);
    }
    long m = 0;
    int significant = 0; // digits held in m, leading zeros excluded
    int exp10 = 0;
    boolean digits = false;
    boolean inexact = false; // a non-zero digit did not fit in m (18 digits always fit in a long)
    for (; i < to && a[i] >= '0' && a[i] <= '9'; i++) {
      digits = true;
      if (significant < 18) {
        m = m * 10 + (a[i] - '0');
        if (m != 0) {
          significant++;
        }
      } else {
        exp10++;
        inexact |= a[i] != '0';
      }
    }
    if (i < to && a[i] == '.') {
      for (i++; i < to && a[i] >= '0' && a[i] <= '9'; i++) {
        digits = true;
        if (significant < 18) {
          m = m * 10 + (a[i] - '0');
          exp10--;
          if (m != 0) {
            significant++;
          }
        } else {
          inexact |= a[i] != '0';
        }
      }
    }
    if (!digits) {
      return fail();
    }
    if (i < to && (a[i] == 'e' || a[i] == 'E')) {
      i++;
      boolean negExp = false;
      if (i < to && (a[i] == '-' || a[i] == '+')) {
        negExp = a[i] == '-';
        i++;
      }
      if (i == to) {
        return fail();
      }
      int e = 0;
      for (; i < to && a[i] >= '0' && a[i] <= '9'; i++) {
        e = Math.min(e * 10 + (a[i] - '0'), 100_000); // far past any float; cannot overflow
      }
      exp10 += negExp ? -e : e;
    }
    if (i != to) {
      return fail();
    }
    if (m == 0 && !inexact) {
      return negative ? -0f : 0f;
    }
    float f = inexact ? Float.NaN : exact(m, exp10);
    if (!Float.isNaN(f)) {
      return negative ? -f : f;
    }
    return Float.parseFloat(new String(a, from, to - from, StandardCharsets.US_ASCII));
  }

  private float special(byte[] a, int i, int to, boolean negative) {
    if (matches(a, i, to, "nan")) {
      return negative ? NEGATIVE_NAN : Float.NaN;
    }
    if (matches(a, i, to, "inf") || matches(a, i, to, "infinity")) {
      return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    return fail();
  }

  private static boolean matches(byte[] a, int i, int to, String word) {
    if (to - i != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if ((a[i + k] | 0x20) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private float fail() {
    failed = true;
    return Float.NaN;
  }
}
