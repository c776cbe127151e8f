package org.infonce4j.text.beir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BEIR reader on small datasets written here: the layout, gzip, checksums, and each kind of bad input. */
class BeirTest {

  static final String CORPUS = """
      {"_id": "d1", "title": "Cats", "text": "Cats purr.", "metadata": {}}
      {"_id": "d2", "title": "", "text": "  Dogs bark. "}
      {"_id": "d3", "title": "Fish", "text": "Fish swim."}
      """;
  static final String QUERIES = """
      {"_id": "q1", "text": "what purrs"}
      {"_id": "q2", "text": "who barks", "metadata": {"x": 1}}
      {"_id": "q3", "text": "unjudged query"}
      """;
  static final String QRELS = "query-id\tcorpus-id\tscore\r\nq2\td2\t2\r\nq1\td1\t1\r\nq1\td3\t0\r\n";

  @TempDir
  Path dir;

  static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
    Files.createDirectories(file.getParent());
    if (gzip) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file.resolveSibling(file.getFileName() + ".gz")))) {
        out.write(bytes);
      }
    } else {
      Files.write(file, bytes);
    }
  }

  static void dataset(Path dir, String corpus, String queries, String qrels, boolean gzip) throws IOException {
    write(dir.resolve("corpus.jsonl"), corpus.getBytes(StandardCharsets.UTF_8), gzip);
    write(dir.resolve("queries.jsonl"), queries.getBytes(StandardCharsets.UTF_8), gzip);
    write(dir.resolve("qrels/test.tsv"), qrels.getBytes(StandardCharsets.UTF_8), gzip);
  }

  private String error(String corpus, String queries, String qrels) throws IOException {
    dataset(dir, corpus, queries, qrels, false);
    BeirFormatException e = assertThrows(BeirFormatException.class, () -> Beir.load(dir));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  private static void assertEndsWith(String suffix, String message) {
    assertTrue(message.endsWith(suffix), () -> "expected ...'" + suffix + "' in: " + message);
  }

  @Test
  void readsTheLayout() throws IOException {
    dataset(dir, CORPUS, QUERIES, QRELS, false);
    BeirDataset data = Beir.load(dir);
    assertEquals("test", data.split());
    assertEquals(List.of("d1", "d2", "d3"), data.documentIds());
    assertEquals("Cats Cats purr.", data.documentText(0)); // title, a space, text
    assertEquals("Dogs bark.", data.documentText(1)); // empty title: the text, stripped
    assertEquals(1, data.documentIndex("d2"));
    assertEquals(-1, data.documentIndex("nope"));
    assertEquals(List.of("q1", "q2", "q3"), List.copyOf(data.queries().keySet()));
    assertEquals(List.of("q2", "q1"), data.evaluatedQueryIds()); // the qrels' order
    assertEquals(Map.of("d1", 1, "d3", 0), data.qrels().get("q1"));
    assertEquals(2, data.qrels().get("q2").get("d2"));
    assertTrue(data.warnings().isEmpty());
  }

  @Test
  void gzippedFilesReadTheSame() throws IOException {
    dataset(dir, CORPUS, QUERIES, QRELS, true);
    assertFalse(Files.exists(dir.resolve("corpus.jsonl")));
    BeirDataset data = Beir.load(dir);
    assertEquals("Cats Cats purr.", data.documentText(0));
    assertEquals(Map.of("d1", 1, "d3", 0), data.qrels().get("q1"));
    write(dir.resolve("corpus.jsonl"), CORPUS.getBytes(StandardCharsets.UTF_8), false);
    assertTrue(assertThrows(BeirFormatException.class, () -> Beir.load(dir)).getMessage().contains("both corpus.jsonl and corpus.jsonl.gz exist"));
  }

  @Test
  void checksumsAreCheckedOnTheUncompressedBytes() throws Exception {
    dataset(dir, CORPUS, QUERIES, QRELS, true);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    String corpus = HexFormat.of().formatHex(sha.digest(CORPUS.getBytes(StandardCharsets.UTF_8)));
    String qrels = HexFormat.of().formatHex(sha.digest(QRELS.getBytes(StandardCharsets.UTF_8)));
    Files.writeString(dir.resolve("SHA256SUMS"), corpus + "  corpus.jsonl\n" + qrels + "  qrels/test.tsv\n");
    assertEquals(3, Beir.load(dir).size());
    Files.writeString(dir.resolve("SHA256SUMS"), corpus.replace(corpus.charAt(0), corpus.charAt(0) == 'a' ? 'b' : 'a') + "  corpus.jsonl\n");
    String m = assertThrows(BeirFormatException.class, () -> Beir.load(dir)).getMessage();
    assertTrue(m.contains("corpus.jsonl") && m.contains("SHA-256") && m.contains(corpus), m);
  }

  @Test
  void malformedJsonNamesFileAndLine() throws IOException {
    String m = error(CORPUS.replace("{\"_id\": \"d2\"", "{\"_id\": \"d2\",,"), QUERIES, QRELS);
    assertTrue(m.startsWith(dir.resolve("corpus.jsonl") + ": line 2: malformed JSON"), m);
    m = error(CORPUS, QUERIES.replace("\"what purrs\"}", "\"what purrs\"} trailing"), QRELS);
    assertTrue(m.contains("queries.jsonl: line 1: malformed JSON"), m);
    m = error(CORPUS, "[1, 2]\n", QRELS);
    assertEndsWith("queries.jsonl: line 1: expected a JSON object", m);
  }

  @Test
  void missingWrongOrEmptyFields() throws IOException {
    assertEndsWith("queries.jsonl: line 3: field text: missing", error(CORPUS, QUERIES.replace("\"text\": \"unjudged query\"", "\"txt\": \"x\""), QRELS));
    assertEndsWith("corpus.jsonl: line 3: field title: missing", error(CORPUS.replace("\"title\": \"Fish\", ", ""), QUERIES, QRELS));
    assertEndsWith("corpus.jsonl: line 1: field _id: must be a string, got number", error(CORPUS.replace("\"d1\"", "1"), QUERIES, QRELS));
    assertEndsWith("corpus.jsonl: line 1: field _id: empty", error(CORPUS.replace("\"d1\"", "\"\""), QUERIES, QRELS));
    assertEndsWith("queries.jsonl: line 1: field text: empty: query \"q1\" has no text", error(CORPUS, QUERIES.replace("what purrs", " "), QRELS));
    assertEndsWith("corpus.jsonl: line 2: field text: empty: document \"d2\" has neither title nor text",
        error(CORPUS.replace("  Dogs bark. ", ""), QUERIES, QRELS));
  }

  @Test
  void duplicateIds() throws IOException {
    assertEndsWith("corpus.jsonl: line 3: field _id: duplicate id \"d1\" (first on line 1)", error(CORPUS.replace("\"d3\"", "\"d1\""), QUERIES, QRELS));
    assertEndsWith("queries.jsonl: line 2: field _id: duplicate id \"q1\" (first on line 1)", error(CORPUS, QUERIES.replace("\"q2\"", "\"q1\""), QRELS));
    assertEndsWith("qrels/test.tsv: line 5: field corpus-id: document \"d1\" judged twice for query \"q1\" (first on line 3)",
        error(CORPUS, QUERIES, QRELS + "q1\td1\t2\r\n"));
  }

  @Test
  void notUtf8NamesTheLine() throws IOException {
    dataset(dir, CORPUS, QUERIES, QRELS, false);
    byte[] bytes = CORPUS.getBytes(StandardCharsets.UTF_8);
    int at = CORPUS.indexOf("Dogs");
    bytes[at] = (byte) 0xC3; // a lead byte followed by 'o': malformed
    Files.write(dir.resolve("corpus.jsonl"), bytes);
    String m = assertThrows(BeirFormatException.class, () -> Beir.load(dir)).getMessage();
    assertTrue(m.startsWith(dir.resolve("corpus.jsonl") + ": line 2: not valid UTF-8"), m);
  }

  @Test
  void qrelsProblems() throws IOException {
    assertEndsWith("qrels/test.tsv: line 1: expected the header query-id<TAB>corpus-id<TAB>score, got \"q2\td2\t2\"", error(CORPUS, QUERIES,
        QRELS.substring(QRELS.indexOf('\n') + 1)));
    assertEndsWith("qrels/test.tsv: line 3: field score: not an integer: \"high\"", error(CORPUS, QUERIES, QRELS.replace("d1\t1", "d1\thigh")));
    assertEndsWith("qrels/test.tsv: line 2: expected 3 tab-separated fields (query-id, corpus-id, score), got 4",
        error(CORPUS, QUERIES, QRELS.replace("q2\td2", "q2\t0\td2")));
    assertEndsWith("qrels/test.tsv: line 2: field query-id: empty", error(CORPUS, QUERIES, QRELS.replace("q2\td2", "\td2")));
    assertEndsWith("qrels/test.tsv: no judgements", error(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\r\n"));
    // Unknown queries: an error, counted and named (BEIR fails on them too).
    assertEndsWith("qrels/test.tsv: line 5: field query-id: 2 judgements name 1 queries not in queries.jsonl (first: \"q9\" on line 5)",
        error(CORPUS, QUERIES, QRELS + "q9\td1\t1\r\nq9\td2\t1\r\n"));
  }

  @Test
  void unknownDocumentsAreKeptAndCounted() throws IOException {
    dataset(dir, CORPUS, QUERIES, QRELS + "q1\tzz\t1\r\nq2\tzz\t1\r\nq2\tyy\t1\r\n", false);
    BeirDataset data = Beir.load(dir);
    assertEquals(1, data.warnings().size());
    String w = data.warnings().get(0);
    assertTrue(w.startsWith(dir.resolve("qrels/test.tsv") + ": 3 judgements name 2 documents not in corpus.jsonl (first: \"zz\" on line 5)"), w);
    assertEquals(1, data.qrels().get("q1").get("zz")); // kept: it counts against recall, as in BEIR
  }

  @Test
  void missingFilesAndSplits() throws IOException {
    dataset(dir, CORPUS, QUERIES, QRELS, false);
    String m = assertThrows(BeirFormatException.class, () -> Beir.load(dir, "dev")).getMessage();
    assertEquals(dir.resolve("qrels/dev.tsv") + ": no such file: split \"dev\" is missing (splits present: test)", m);
    Files.delete(dir.resolve("queries.jsonl"));
    m = assertThrows(BeirFormatException.class, () -> Beir.load(dir)).getMessage();
    assertEquals(dir.resolve("queries.jsonl") + ": no such file (nor queries.jsonl.gz)", m);
    Files.writeString(dir.resolve("queries.jsonl.gz"), "not gzip");
    m = assertThrows(BeirFormatException.class, () -> Beir.load(dir)).getMessage();
    assertTrue(m.startsWith(dir.resolve("queries.jsonl.gz") + ": not a gzip file"), m);
  }

  @Test
  void exceptionFields() throws IOException {
    dataset(dir, CORPUS.replace("\"d3\"", "\"d1\""), QUERIES, QRELS, false);
    BeirFormatException e = assertThrows(BeirFormatException.class, () -> Beir.load(dir));
    assertEquals(dir.resolve("corpus.jsonl").toString(), e.file());
    assertEquals(3, e.line());
    assertEquals("_id", e.field());
  }
}
