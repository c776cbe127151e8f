package org.infonce4j.text.beir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the files of a BEIR dataset come from: a directory, or a folder of class-path resources.
 * A logical name such as {@code corpus.jsonl} resolves to that file or, failing that, to
 * {@code corpus.jsonl.gz}; both present is an error (which one is meant?).
 */
abstract class Source {

  /**
   * Opens the logical file {@code name}, plain or gzipped.
   *
   * @param name the logical name, e.g. {@code qrels/test.tsv}
   * @return its lines, or null when neither it nor its {@code .gz} exists
   */
  final Lines open(String name) throws IOException {
    boolean plain = exists(name);
    boolean gz = exists(name + ".gz");
    if (plain && gz) {
      throw new BeirFormatException(describe(name), 0, null, "both " + name + " and " + name + ".gz exist; keep one");
    }
    if (!plain && !gz) {
      return null;
    }
    String actual = gz ? name + ".gz" : name;
    return new Lines(stream(actual), describe(actual), gz);
  }

  /**
   * The file as messages name it.
   *
   * @param name the name relative to the dataset
   * @return a name for the user
   */
  abstract String describe(String name);

  /** Whether the file exists. */
  abstract boolean exists(String name);

  /** Opens the file's bytes. */
  abstract InputStream stream(String name) throws IOException;

  /** The names of the splits with a qrels file, for messages; may be empty when not known. */
  abstract List<String> splits() throws IOException;

  /** The files of a directory. */
  static Source of(Path dir) {
    return new Source() {
      @Override
      String describe(String name) {
        return dir.resolve(name).toString();
      }

      @Override
      boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name));
      }

      @Override
      InputStream stream(String name) throws IOException {
        return Files.newInputStream(dir.resolve(name));
      }

      @Override
      List<String> splits() throws IOException {
        List<String> out = new ArrayList<>();
        Path qrels = dir.resolve("qrels");
        if (Files.isDirectory(qrels)) {
          try (Stream<Path> files = Files.list(qrels)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tsv") || n.endsWith(".tsv.gz"))
                .map(n -> n.substring(0, n.indexOf(".tsv"))).sorted().forEach(out::add);
          }
        }
        return out;
      }
    };
  }

  /** Class-path resources under {@code folder} (absolute, ending in '/'), as {@code anchor}'s loader sees them. */
  static Source resources(Class<?> anchor, String folder, String label, List<String> splits) {
    return new Source() {
      @Override
      String describe(String name) {
        return label + " " + name;
      }

      @Override
      boolean exists(String name) {
        return anchor.getResource(folder + name) != null;
      }

      @Override
      InputStream stream(String name) throws IOException {
        InputStream in = anchor.getResourceAsStream(folder + name);
        if (in == null) {
          throw new BeirFormatException(describe(name), 0, null, "missing resource");
        }
        return in;
      }

      @Override
      List<String> splits() {
        return splits;
      }
    };
  }
}
