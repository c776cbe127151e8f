package org.infonce4j.djl.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of runs and reports, through Jackson: insertion-ordered objects, pretty-printed as
 * {@code "key": value}, non-finite numbers written as null (JSON has no NaN), and parse errors that
 * name the source, line and column.
 */
public final class Json {

  /** The mapper of every file of a run: insertion order kept, pretty-printed as {@code "key": value}, NaN written as null. */
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .setDefaultPrettyPrinter(
          new DefaultPrettyPrinter().withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private Json() {
  }

  /**
   * {@return {@code value} (maps, lists, numbers, strings, booleans, double arrays) as the pretty
   * JSON text every file of a run uses; non-finite numbers become null}
   * @param value the value to write
   * @throws IllegalArgumentException when the value cannot be written as JSON
   */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(MAPPER.valueToTree(finite(value)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * {@return {@code value} as JSON on one line (for a line of output); non-finite numbers become null}
   * @param value the value to write, as for {@link #write(Object)}
   * @throws IllegalArgumentException when the value cannot be written as JSON
   */
  public static String writeCompact(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(MAPPER.valueToTree(finite(value)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * {@return {@code text} parsed into maps (insertion-ordered), lists, numbers, strings, booleans and nulls}
   *
   * @param text   the JSON text
   * @param source what the text is, for the error message (a file, "the checkpoint's state")
   * @throws IllegalArgumentException naming {@code source}, line and column when the text is not JSON
   */
  public static Object parse(String text, String source) {
    try {
      return MAPPER.treeToValue(tree(text, source), Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": " + e.getOriginalMessage(), e);
    }
  }

  /** JSON has no NaN: the tree writer would write it as a string, so it is replaced by null first. */
  private static Object finite(Object v) {
    if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, finite(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(finite(x)));
      return out;
    }
    if (v instanceof double[] a) {
      List<Object> out = new ArrayList<>(a.length);
      for (double x : a) {
        out.add(finite(x));
      }
      return out;
    }
    return v;
  }

  static JsonNode tree(String text, Object file) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(), e);
    }
  }

  static Map<String, Object> toMap(JsonNode node, Object file) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object");
    }
    return MAPPER.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {
    });
  }
}
