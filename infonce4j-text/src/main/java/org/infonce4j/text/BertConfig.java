package org.infonce4j.text;

/**
 * The sizes of a BERT-family encoder, as read from its ONNX graph and weights.
 *
 * @param layers         transformer layers
 * @param hidden         hidden size (the embedding width)
 * @param heads          self-attention heads per layer
 * @param intermediate   width of each layer's feed-forward block
 * @param vocabulary     word-piece vocabulary size
 * @param maxPositions   learned positions (the longest input the encoder can take)
 * @param typeVocabulary token types (segments)
 * @param layerNormEps   the epsilon of every LayerNorm
 */
public record BertConfig(int layers, int hidden, int heads, int intermediate, int vocabulary, int maxPositions, int typeVocabulary,
    float layerNormEps) {

  /**
   * Checks that the sizes are consistent.
   *
   * @param layers         transformer layers, positive
   * @param hidden         hidden size, positive
   * @param heads          attention heads, positive, dividing {@code hidden}
   * @param intermediate   feed-forward width, positive
   * @param vocabulary     word-piece vocabulary size, positive
   * @param maxPositions   learned positions, positive
   * @param typeVocabulary token types, positive
   * @param layerNormEps   LayerNorm epsilon, positive
   * @throws IllegalArgumentException when a size is not positive or the heads do not divide the hidden size
   */
  public BertConfig {
    if (layers < 1 || hidden < 1 || heads < 1 || intermediate < 1 || vocabulary < 1 || maxPositions < 1 || typeVocabulary < 1) {
      throw new IllegalArgumentException("BERT sizes must be positive: " + describe(layers, hidden, heads, intermediate));
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException(heads + " attention heads do not divide the hidden size " + hidden);
    }
    if (!(layerNormEps > 0f)) {
      throw new IllegalArgumentException("LayerNorm epsilon must be positive, got " + layerNormEps);
    }
  }

  /**
   * The width of one attention head.
   *
   * @return {@code hidden / heads}
   */
  public int headSize() {
    return hidden / heads;
  }

  @Override
  public String toString() {
    return describe(layers, hidden, heads, intermediate) + ", vocabulary " + vocabulary + ", " + maxPositions + " positions, LayerNorm eps "
        + layerNormEps;
  }

  private static String describe(int layers, int hidden, int heads, int intermediate) {
    return layers + " layers, hidden " + hidden + ", " + heads + " heads, feed-forward " + intermediate;
  }
}
