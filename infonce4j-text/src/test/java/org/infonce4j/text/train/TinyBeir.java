package org.infonce4j.text.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small data set in the BEIR layout that the training tests write: topics of documents, claims about them, train and test qrels. */
final class TinyBeir {
  static final String[] TOPICS = {"heart", "virus", "protein", "climate", "neuron", "bacteria", "insulin", "tumour"};

  private TinyBeir() {
  }

  /**
   * Writes the data set into {@code dir}: two documents per topic, one query per topic judged in train (both documents, so two pairs share
   * a query) and one in test; the train qrels also hold one judgement of relevance 0.
   */
  static Path write(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("qrels"));
    List<String> corpus = new ArrayList<>();
    List<String> queries = new ArrayList<>();
    StringBuilder train = new StringBuilder("query-id\tcorpus-id\tscore\r\n");
    StringBuilder test = new StringBuilder("query-id\tcorpus-id\tscore\r\n");
    for (int t = 0; t < TOPICS.length; t++) {
      String w = TOPICS[t];
      corpus.add(doc("d" + t + "a", "On the " + w, "We measured how the " + w + " changes under stress in a cohort of patients."));
      corpus.add(doc("d" + t + "b", "A " + w + " study", "The " + w + " response was stronger in the treated group than in controls."));
      queries.add("{\"_id\": \"q" + t + "\", \"text\": \"Stress changes the " + w + ".\"}");
      queries.add("{\"_id\": \"t" + t + "\", \"text\": \"Treatment strengthens the " + w + " response.\"}");
      train.append("q").append(t).append("\td").append(t).append("a\t1\r\n");
      train.append("q").append(t).append("\td").append(t).append("b\t1\r\n");
      test.append("t").append(t).append("\td").append(t).append("b\t1\r\n");
    }
    train.append("q0\td1a\t0\r\n");
    Files.write(dir.resolve("corpus.jsonl"), corpus);
    Files.write(dir.resolve("queries.jsonl"), queries);
    Files.writeString(dir.resolve("qrels/train.tsv"), train);
    Files.writeString(dir.resolve("qrels/test.tsv"), test);
    return dir;
  }

  private static String doc(String id, String title, String text) {
    return "{\"_id\": \"" + id + "\", \"title\": \"" + title + "\", \"text\": \"" + text + "\"}";
  }
}
