package org.infonce4j.text.beir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A retrieval dataset in the BEIR layout, read by {@link Beir}: the corpus, every query, and the
 * relevance judgements (qrels) of one split. Immutable.
 *
 * <p>A document is embedded as its title, a space, and its text, stripped of surrounding white
 * space ({@link #documentText}): what the BEIR benchmark feeds a sentence encoder.
 */
public final class BeirDataset {

  private final String split;
  private final List<String> docIds;
  private final List<String> titles;
  private final List<String> texts;
  private final Map<String, Integer> docIndex;
  private final Map<String, String> queries;
  private final Map<String, Map<String, Integer>> qrels;
  private final List<String> warnings;

  BeirDataset(String split, List<String> docIds, List<String> titles, List<String> texts, Map<String, Integer> docIndex,
      Map<String, String> queries, Map<String, Map<String, Integer>> qrels, List<String> warnings) {
    this.split = split;
    this.docIds = Collections.unmodifiableList(docIds);
    this.titles = Collections.unmodifiableList(titles);
    this.texts = Collections.unmodifiableList(texts);
    this.docIndex = Collections.unmodifiableMap(docIndex);
    this.queries = Collections.unmodifiableMap(queries);
    this.qrels = Collections.unmodifiableMap(qrels);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * The split whose judgements were read.
   *
   * @return e.g. "test"
   */
  public String split() {
    return split;
  }

  /**
   * The number of documents.
   *
   * @return the corpus size
   */
  public int size() {
    return docIds.size();
  }

  /**
   * The document ids, in the corpus file's order; document {@code i} is row {@code i} of any
   * embedding matrix built from {@link #documentTexts()}.
   *
   * @return the ids
   */
  public List<String> documentIds() {
    return docIds;
  }

  /**
   * The row of a document.
   *
   * @param id a document id
   * @return its index, or -1 when the corpus lacks it
   */
  public int documentIndex(String id) {
    Integer i = docIndex.get(id);
    return i == null ? -1 : i;
  }

  /**
   * A document's title.
   *
   * @param i the document's index
   * @return its title, possibly empty
   */
  public String title(int i) {
    return titles.get(i);
  }

  /**
   * A document's text.
   *
   * @param i the document's index
   * @return its text
   */
  public String text(int i) {
    return texts.get(i);
  }

  /**
   * What an encoder sees of a document: title, a space, text, stripped (just the text when the
   * title is empty).
   *
   * @param i the document's index
   * @return the text to embed, never blank
   */
  public String documentText(int i) {
    return (titles.get(i) + " " + texts.get(i)).strip();
  }

  /**
   * {@link #documentText} of every document, in order.
   *
   * @return a new list of the texts to embed
   */
  public List<String> documentTexts() {
    List<String> out = new ArrayList<>(docIds.size());
    for (int i = 0; i < docIds.size(); i++) {
      out.add(documentText(i));
    }
    return out;
  }

  /**
   * Every query of the queries file, in its order, by id (all splits together).
   *
   * @return query id to text
   */
  public Map<String, String> queries() {
    return queries;
  }

  /**
   * The judgements of the split: query id to (document id to relevance), queries in the order
   * they first appear in the qrels file. Judgements that name a document the corpus lacks are kept
   * (they count as relevant documents that cannot be retrieved, as in BEIR) and reported in
   * {@link #warnings()}.
   *
   * @return the qrels
   */
  public Map<String, Map<String, Integer>> qrels() {
    return qrels;
  }

  /**
   * The queries evaluated on this split: those of the qrels, in the qrels' order.
   *
   * @return query ids
   */
  public List<String> evaluatedQueryIds() {
    return List.copyOf(qrels.keySet());
  }

  /**
   * What was read but is suspect, one line each, e.g. judgements naming documents that are not in
   * the corpus (with their count). Empty for clean data.
   *
   * @return the warnings
   */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "BeirDataset[" + docIds.size() + " documents, " + queries.size() + " queries, split " + split + ": " + qrels.size()
        + " judged queries]";
  }
}
