package org.infonce4j.text.beir;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the three kinds of BEIR file, strictly; see {@link Beir} for the rules. */
final class BeirReader {

  static final String CORPUS = "corpus.jsonl";
  static final String QUERIES = "queries.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Source source;
  /** Logical file name to the SHA-256 of its uncompressed bytes, for every file read. */
  final Map<String, String> checksums = new LinkedHashMap<>();

  BeirReader(Source source) {
    this.source = source;
  }

  /** The corpus: ids, titles and texts in file order. */
  void readCorpus(List<String> ids, List<String> titles, List<String> texts, Map<String, Integer> index) throws IOException {
    Map<String, Integer> firstLine = new HashMap<>();
    try (Lines lines = required(CORPUS)) {
      String name = source.describe(CORPUS);
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode doc = parse(name, lines.line(), line);
        String id = id(name, lines.line(), doc, firstLine);
        String title = string(name, lines.line(), doc, "title");
        String text = string(name, lines.line(), doc, "text");
        if ((title + " " + text).isBlank()) {
          throw new BeirFormatException(name, lines.line(), "text", "empty: document " + quote(id) + " has neither title nor text");
        }
        index.put(id, ids.size());
        ids.add(id);
        titles.add(title);
        texts.add(text);
      }
      if (ids.isEmpty()) {
        throw new BeirFormatException(name, 0, null, "no documents");
      }
      checksums.put(CORPUS, lines.sha256());
    }
  }

  /** Every query, id to text, in file order. */
  Map<String, String> readQueries() throws IOException {
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    try (Lines lines = required(QUERIES)) {
      String name = source.describe(QUERIES);
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode q = parse(name, lines.line(), line);
        String id = id(name, lines.line(), q, firstLine);
        String text = string(name, lines.line(), q, "text");
        if (text.isBlank()) {
          throw new BeirFormatException(name, lines.line(), "text", "empty: query " + quote(id) + " has no text");
        }
        queries.put(id, text);
      }
      if (queries.isEmpty()) {
        throw new BeirFormatException(name, 0, null, "no queries");
      }
      checksums.put(QUERIES, lines.sha256());
    }
    return queries;
  }

  /**
   * The judgements of a split. A query id the queries lack is an error (BEIR fails on it too); a
   * document id the corpus lacks is kept and counted in {@code warnings}.
   */
  Map<String, Map<String, Integer>> readQrels(String split, Map<String, String> queries, Map<String, Integer> docs,
      List<String> warnings) throws IOException {
    String file = "qrels/" + split + ".tsv";
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    Unknown unknownQueries = new Unknown();
    Unknown unknownDocs = new Unknown();
    try (Lines lines = source.open(file)) {
      if (lines == null) {
        List<String> splits = source.splits();
        throw new BeirFormatException(source.describe(file), 0, null,
            "no such file: split " + quote(split) + " is missing" + (splits.isEmpty() ? "" : " (splits present: " + String.join(", ", splits) + ")"));
      }
      String name = source.describe(file);
      header(name, lines);
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isEmpty()) {
          continue;
        }
        int at = lines.line();
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
          throw new BeirFormatException(name, at, null, "expected 3 tab-separated fields (query-id, corpus-id, score), got " + f.length);
        }
        String q = nonEmpty(name, at, "query-id", f[0]);
        String d = nonEmpty(name, at, "corpus-id", f[1]);
        int score = score(name, at, f[2]);
        Integer before = lineOf.putIfAbsent(q + '\t' + d, at);
        if (before != null) {
          throw new BeirFormatException(name, at, "corpus-id", "document " + quote(d) + " judged twice for query " + quote(q) + " (first on line "
              + before + ")");
        }
        if (!queries.containsKey(q)) {
          unknownQueries.add(q, at);
        }
        if (!docs.containsKey(d)) {
          unknownDocs.add(d, at);
        }
        qrels.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, score);
      }
      if (qrels.isEmpty()) {
        throw new BeirFormatException(name, 0, null, "no judgements");
      }
      if (unknownQueries.count > 0) {
        throw new BeirFormatException(name, unknownQueries.firstLine, "query-id", unknownQueries.describe("queries", QUERIES));
      }
      if (unknownDocs.count > 0) {
        warnings.add(name + ": " + unknownDocs.describe("documents", CORPUS) + "; kept, as BEIR keeps them (relevant documents that cannot be retrieved)");
      }
      checksums.put(file, lines.sha256());
    }
    return qrels;
  }

  /** Ids the other file lacks: how many judgements, how many distinct ids, the first. */
  private static final class Unknown {
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private int count;
    private int firstLine;

    void add(String id, int line) {
      if (count++ == 0) {
        firstLine = line;
      }
      ids.putIfAbsent(id, line);
    }

    String describe(String what, String file) {
      String first = ids.keySet().iterator().next();
      return count + " judgement" + (count == 1 ? "" : "s") + " name " + ids.size() + " " + what + " not in " + file + " (first: " + quote(first)
          + " on line " + ids.get(first) + ")";
    }
  }

  private Lines required(String file) throws IOException {
    Lines lines = source.open(file);
    if (lines == null) {
      throw new BeirFormatException(source.describe(file), 0, null, "no such file (nor " + file + ".gz)");
    }
    return lines;
  }

  private static void header(String name, Lines lines) throws IOException {
    String first = lines.next();
    if (first == null) {
      throw new BeirFormatException(name, 0, null, "empty file; expected the header query-id<TAB>corpus-id<TAB>score");
    }
    String[] f = first.split("\t", -1);
    if (f.length != 3 || isInteger(f[2])) {
      throw new BeirFormatException(name, 1, null, "expected the header query-id<TAB>corpus-id<TAB>score, got " + quote(first));
    }
  }

  private static JsonNode parse(String name, int line, String text) throws BeirFormatException {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BeirFormatException(name, line, null, "malformed JSON: " + e.getOriginalMessage().replace('\n', ' '));
    }
    if (node == null || !node.isObject()) {
      throw new BeirFormatException(name, line, null, "expected a JSON object");
    }
    return node;
  }

  private static String id(String name, int line, JsonNode node, Map<String, Integer> firstLine) throws BeirFormatException {
    String id = string(name, line, node, "_id");
    if (id.isEmpty()) {
      throw new BeirFormatException(name, line, "_id", "empty");
    }
    Integer before = firstLine.putIfAbsent(id, line);
    if (before != null) {
      throw new BeirFormatException(name, line, "_id", "duplicate id " + quote(id) + " (first on line " + before + ")");
    }
    return id;
  }

  private static String string(String name, int line, JsonNode node, String field) throws BeirFormatException {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new BeirFormatException(name, line, field, "missing");
    }
    if (!v.isTextual()) {
      throw new BeirFormatException(name, line, field, "must be a string, got " + v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
    return v.textValue();
  }

  private static String nonEmpty(String name, int line, String field, String value) throws BeirFormatException {
    if (value.strip().isEmpty()) {
      throw new BeirFormatException(name, line, field, "empty");
    }
    return value;
  }

  private static int score(String name, int line, String value) throws BeirFormatException {
    if (!isInteger(value)) {
      throw new BeirFormatException(name, line, "score", "not an integer: " + quote(value));
    }
    return Integer.parseInt(value.strip());
  }

  private static boolean isInteger(String s) {
    try {
      Integer.parseInt(s.strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String quote(String s) {
    return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
  }
}
