package org.infonce4j.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent parser for the Python literal that a {@code .npy} header holds: dicts,
 * tuples, lists, quoted strings, integers (with Python 2's optional {@code L} suffix), True, False
 * and None. Values come back as {@link Map}, {@link Tuple}, {@link List}, {@link String},
 * {@link Long}, {@link Boolean} and {@link #NONE}. Errors are {@link IllegalArgumentException}s
 * whose message starts with the file path.
 */
final class NpyDictParser {
  /** A Python tuple in the header. */
  record Tuple(List<Object> items) {
  }

  /** Python's None. */
  static final Object NONE = new Object();

  /** Python-like text for a parsed header value, for error messages. */
  static String repr(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    } else if (v instanceof Boolean b) {
      return b ? "True" : "False";
    } else if (v == NONE) {
      return "None";
    } else if (v instanceof Tuple t) {
      String inner = join(t.items());
      return "(" + inner + (t.items().size() == 1 ? ",)" : ")");
    } else if (v instanceof List<?> l) {
      return "[" + join(l) + "]";
    } else if (v instanceof Map<?, ?> m) {
      StringBuilder s = new StringBuilder("{");
      m.forEach((k, x) -> s.append(s.length() == 1 ? "" : ", ").append(repr(k)).append(": ").append(repr(x)));
      return s.append('}').toString();
    }
    return String.valueOf(v);
  }

  private static String join(List<?> items) {
    StringBuilder s = new StringBuilder();
    for (Object item : items) {
      s.append(s.length() == 0 ? "" : ", ").append(repr(item));
    }
    return s.toString();
  }

  private static final int MAX_DEPTH = 16; // a real header nests two levels deep

  private final Path file;
  private final String s;
  private int pos;
  private int depth;

  NpyDictParser(Path file, String s) {
    this.file = file;
    this.s = s;
  }

  /** Parses the whole header text, which must be one dictionary with string keys. */
  Map<String, Object> parse() {
    skipSpace();
    if (pos == s.length() || s.charAt(pos) != '{') {
      throw fail("expected a dictionary starting with '{'");
    }
    Map<String, Object> dict = dict();
    skipSpace();
    if (pos < s.length()) {
      throw fail("unexpected text after the dictionary");
    }
    return dict;
  }

  private Object value() {
    skipSpace();
    if (pos == s.length()) {
      throw fail("expected a value");
    }
    char c = s.charAt(pos);
    if ((c == '{' || c == '(' || c == '[') && depth == MAX_DEPTH) {
      throw fail("nested more than " + MAX_DEPTH + " levels deep");
    }
    if (c == '{') {
      return dict();
    } else if (c == '(') {
      pos++;
      boolean[] comma = new boolean[1];
      List<Object> items = sequence(')', comma);
      return items.size() == 1 && !comma[0] ? items.get(0) : new Tuple(items);
    } else if (c == '[') {
      pos++;
      return sequence(']', new boolean[1]);
    } else if (c == '\'' || c == '"') {
      return string(c);
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      return integer();
    } else if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
        pos++;
      }
      String name = s.substring(start, pos);
      return switch (name) {
        case "True" -> Boolean.TRUE;
        case "False" -> Boolean.FALSE;
        case "None" -> NONE;
        default -> throw failAt(start, "unknown name '" + name + "'");
      };
    }
    throw fail("unexpected character '" + c + "'");
  }

  private Map<String, Object> dict() {
    pos++; // '{'
    depth++;
    Map<String, Object> dict = new LinkedHashMap<>();
    while (true) {
      skipSpace();
      if (accept('}')) {
        depth--;
        return dict;
      }
      int keyAt = pos;
      Object key = value();
      if (!(key instanceof String k)) {
        throw failAt(keyAt, "dictionary keys must be strings, got " + repr(key));
      }
      skipSpace();
      if (!accept(':')) {
        throw fail("expected ':' after key " + repr(k));
      }
      Object v = value();
      if (dict.put(k, v) != null) {
        throw failAt(keyAt, "duplicate key '" + k + "'");
      }
      skipSpace();
      if (!accept(',') && !(pos < s.length() && s.charAt(pos) == '}')) {
        throw fail("expected ',' or '}'");
      }
    }
  }

  /** Items up to {@code close}; {@code comma[0]} tells whether a comma followed the last item. */
  private List<Object> sequence(char close, boolean[] comma) {
    depth++;
    List<Object> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (accept(close)) {
        depth--;
        return items;
      }
      items.add(value());
      skipSpace();
      comma[0] = accept(',');
      if (!comma[0] && !(pos < s.length() && s.charAt(pos) == close)) {
        throw fail("expected ',' or '" + close + "'");
      }
    }
  }

  private String string(char quote) {
    int start = pos++;
    StringBuilder out = new StringBuilder();
    while (pos < s.length() && s.charAt(pos) != quote) {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < s.length()) {
        char e = s.charAt(pos++);
        out.append(switch (e) {
          case 'n' -> "\n";
          case 't' -> "\t";
          case '\\', '\'', '"' -> String.valueOf(e);
          default -> "\\" + e;
        });
      } else {
        out.append(c);
      }
    }
    if (pos == s.length()) {
      throw failAt(start, "unterminated string");
    }
    pos++;
    return out.toString();
  }

  private Long integer() {
    int start = pos;
    if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
      pos++;
    }
    int digits = pos;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == digits) {
      throw failAt(start, "expected a number");
    }
    String number = s.substring(start, pos);
    if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
      pos++; // Python 2 long suffix, as in (3L, 4L)
    }
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      throw failAt(start, "integer " + number + " is too large");
    }
  }

  /** Consumes {@code c} if it is next. */
  private boolean accept(char c) {
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException fail(String message) {
    return failAt(pos, message);
  }

  private IllegalArgumentException failAt(int at, String message) {
    return new IllegalArgumentException(file + ": malformed header: " + message
        + (at >= s.length() ? " at the end of the header" : " at character " + at));
  }
}
