package org.infonce4j.cli;

import java.util.Map;
import org.infonce4j.djl.train.Json;

/** Reads the JSON the commands print and write, for the tests. */
final class TestJson {
  private TestJson() {
  }

  /** Any JSON value: maps, lists, numbers, strings, booleans, null. */
  static Object parse(String text) {
    return Json.parse(text, "the command's JSON");
  }

  /** A JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    Object o = parse(text);
    if (!(o instanceof Map<?, ?>)) {
      throw new AssertionError("not a JSON object: " + text);
    }
    return (Map<String, Object>) o;
  }
}
