package org.infonce4j.text.beir;

import java.io.IOException;

/**
 * A BEIR-layout file that cannot be read as the layout requires. The one-line message names the
 * file, the line (from 1; absent when the problem is the file as a whole) and the field (when one
 * is at fault), then the problem, e.g.
 * {@code corpus.jsonl: line 17: field _id: duplicate id "42" (first on line 3)}.
 */
public final class BeirFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The file at fault, as the reader named it. */
  private final String file;
  /** The line at fault, from 1; 0 for the whole file. */
  private final int line;
  /** The field at fault, or null. */
  private final String field;

  /**
   * A problem in one file.
   *
   * @param file the file, as the caller should see it named
   * @param line the line, from 1, or 0 for the file as a whole
   * @param field the field at fault, or null
   * @param problem what is wrong, one line
   */
  public BeirFormatException(String file, int line, String field, String problem) {
    super(file + (line > 0 ? ": line " + line : "") + (field != null ? ": field " + field : "") + ": " + problem);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  /**
   * The file at fault.
   *
   * @return its name as given to the reader
   */
  public String file() {
    return file;
  }

  /**
   * The line at fault.
   *
   * @return the line number from 1, or 0 when the whole file is at fault
   */
  public int line() {
    return line;
  }

  /**
   * The field at fault.
   *
   * @return the field's name, or null
   */
  public String field() {
    return field;
  }
}
