package org.infonce4j.io;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer for reports: objects are insertion-ordered maps, values are strings,
 * numbers, booleans, null, lists, arrays of doubles and nested maps. Non-finite numbers are written
 * as null (JSON has no NaN).
 */
public final class Json {

  private Json() {}

  /**
   * An empty insertion-ordered object to fill with {@code put}.
   *
   * @return a new {@link LinkedHashMap}
   */
  public static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }

  /**
   * {@code value} as compact JSON text.
   *
   * @param value a string, number, boolean, null, list, {@code double[]} or map
   * @return the JSON text
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value, -1, 0);
    return sb.toString();
  }

  /**
   * {@code value} as JSON text indented by two spaces per level.
   *
   * @param value a string, number, boolean, null, list, {@code double[]} or map
   * @return the JSON text
   */
  public static String pretty(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value, 2, 0);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object v, int indent, int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        sb.append("null");
      } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        sb.append((long) d).append(".0");
      } else {
        sb.append(d);
      }
    } else if (v instanceof Number n) {
      sb.append(n);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      boolean first = true;
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, indent, level + 1);
        string(sb, String.valueOf(e.getKey()));
        sb.append(indent < 0 ? ":" : ": ");
        append(sb, e.getValue(), indent, level + 1);
      }
      if (!first) {
        newline(sb, indent, level);
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(indent < 0 ? "," : ", ");
        }
        append(sb, list.get(i), indent, level + 1);
      }
      sb.append(']');
    } else if (v instanceof double[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        if (i > 0) {
          sb.append(indent < 0 ? "," : ", ");
        }
        append(sb, a[i], indent, level + 1);
      }
      sb.append(']');
    } else {
      string(sb, v.toString());
    }
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent >= 0) {
      sb.append('\n');
      sb.append(" ".repeat(indent * level));
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
