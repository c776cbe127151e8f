package org.infonce4j.text.beir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads retrieval datasets in the layout of the BEIR benchmark (Thakur et al. 2021), and the copy
 * of SciFact that ships with this module.
 *
 * <p>A dataset is a directory of {@code corpus.jsonl} (one JSON object a line with string fields
 * {@code _id}, {@code title}, {@code text}), {@code queries.jsonl} ({@code _id}, {@code text}) and
 * {@code qrels/<split>.tsv} (a header line, then {@code query-id TAB corpus-id TAB score} with an
 * integer score; line ends {@code \n} or {@code \r\n}). Each file may instead be gzipped, with
 * {@code .gz} appended to its name. Other fields (BEIR's {@code metadata}) are ignored. An optional
 * {@code SHA256SUMS} (lines of {@code <sha256>  <name>}, names without {@code .gz}) is checked
 * against the uncompressed bytes of the files read.
 *
 * <p>Reading is strict, each problem a {@link BeirFormatException} naming file, line and field:
 * bytes that are not UTF-8, a line that is not a JSON object, a missing or non-string field, an
 * empty id, a duplicate id, a query without text or a document with neither title nor text, a
 * qrels line without three fields or with a non-integer score, a document judged twice for one
 * query, a missing file (for a split, the splits present are listed), a checksum mismatch, and
 * judgements naming queries the queries file lacks (BEIR fails on those too; the message counts
 * them). Judgements naming documents the corpus lacks are kept, as BEIR keeps them (they count
 * against recall: relevant documents that cannot be retrieved), and counted in
 * {@link BeirDataset#warnings()}.
 */
public final class Beir {

  /** The split that published BEIR scores use. */
  public static final String TEST = "test";
  /** Where the bundled SciFact lives on the class path. */
  public static final String SCIFACT_RESOURCES = "/org/infonce4j/text/scifact/";
  /** The splits of the bundled SciFact. */
  public static final List<String> SCIFACT_SPLITS = List.of("train", "test");

  private static final System.Logger LOG = System.getLogger(Beir.class.getName());
  private static final String SUMS = "SHA256SUMS";

  private Beir() {
  }

  /**
   * The test split of the dataset in {@code dir}.
   *
   * @param dir the dataset's directory
   * @return the dataset
   * @throws IOException when a file is missing, unreadable or malformed ({@link BeirFormatException})
   */
  public static BeirDataset load(Path dir) throws IOException {
    return load(dir, TEST);
  }

  /**
   * One split of the dataset in {@code dir}.
   *
   * @param dir the dataset's directory
   * @param split the qrels file to read, {@code qrels/<split>.tsv}
   * @return the dataset
   * @throws IOException when a file is missing, unreadable or malformed ({@link BeirFormatException})
   */
  public static BeirDataset load(Path dir, String split) throws IOException {
    return read(Source.of(dir), split, false);
  }

  /**
   * The test split of SciFact (Wadden et al. 2020; 5,183 abstracts, 300 test queries), bundled in
   * this module's jar, gzipped, and checked against the SHA-256 of the original files. Licence: CC
   * BY-NC 2.0 (non-commercial use), see the README beside the data.
   *
   * @return SciFact's test split
   * @throws IOException when the bundled files are missing or do not match their checksums
   */
  public static BeirDataset scifact() throws IOException {
    return scifact(TEST);
  }

  /**
   * One split ({@code train} or {@code test}) of the bundled SciFact; see {@link #scifact()}.
   *
   * @param split "train" or "test"
   * @return the dataset
   * @throws IOException when the bundled files are missing or do not match their checksums
   */
  public static BeirDataset scifact(String split) throws IOException {
    return read(Source.resources(Beir.class, SCIFACT_RESOURCES, "bundled SciFact", SCIFACT_SPLITS), split, true);
  }

  static BeirDataset read(Source source, String split, boolean sumsRequired) throws IOException {
    BeirReader reader = new BeirReader(source);
    List<String> ids = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    reader.readCorpus(ids, titles, texts, index);
    Map<String, String> queries = reader.readQueries();
    List<String> warnings = new ArrayList<>();
    Map<String, Map<String, Integer>> qrels = reader.readQrels(split, queries, index, warnings);
    verify(source, reader.checksums, sumsRequired);
    for (String w : warnings) {
      LOG.log(System.Logger.Level.WARNING, w);
    }
    return new BeirDataset(split, ids, titles, texts, index, queries, qrels, warnings);
  }

  /** Checks each file read against SHA256SUMS, when there is one (or must be one). */
  private static void verify(Source source, Map<String, String> actual, boolean required) throws IOException {
    Map<String, String> expected = new LinkedHashMap<>();
    try (Lines lines = source.open(SUMS)) {
      if (lines == null) {
        if (required) {
          throw new BeirFormatException(source.describe(SUMS), 0, null, "no such file");
        }
        return;
      }
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.strip().split("\\s+\\*?", 2);
        if (f.length != 2 || !f[0].matches("[0-9a-fA-F]{64}")) {
          throw new BeirFormatException(source.describe(SUMS), lines.line(), null, "expected <sha256>  <file>, got " + BeirReader.quote(line));
        }
        expected.put(f[1].endsWith(".gz") ? f[1].substring(0, f[1].length() - 3) : f[1], f[0].toLowerCase(java.util.Locale.ROOT));
      }
    }
    for (Map.Entry<String, String> e : actual.entrySet()) {
      String want = expected.get(e.getKey());
      if (want == null) {
        if (required) {
          throw new BeirFormatException(source.describe(SUMS), 0, null, "no checksum for " + e.getKey());
        }
      } else if (!want.equals(e.getValue())) {
        throw new BeirFormatException(source.describe(e.getKey()), 0, null, "SHA-256 of the (uncompressed) content is " + e.getValue() + " but "
            + SUMS + " says " + want);
      }
    }
  }
}
