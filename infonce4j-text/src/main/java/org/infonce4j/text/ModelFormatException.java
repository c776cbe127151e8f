package org.infonce4j.text;

/**
 * A model that cannot be used: a model or tokenizer file that is missing or unreadable, or an ONNX graph whose weights cannot be
 * mapped onto a BERT encoder. The message names the file or the first weight at fault.
 */
public final class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, naming the file or weight
   */
  public ModelFormatException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the file or weight
   * @param cause   the underlying error
   */
  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
