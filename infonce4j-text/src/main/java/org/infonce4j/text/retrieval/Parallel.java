package org.infonce4j.text.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;

/** {@link org.infonce4j.Parallel#forEach} for Lucene's work, whose I/O exceptions come back as they were thrown. */
final class Parallel {

  /** The work for one index. */
  interface Body {
    void run(int i) throws IOException;
  }

  private Parallel() {
  }

  static void forEach(int n, int threads, Body body) throws IOException {
    try {
      org.infonce4j.Parallel.forEach(n, threads, i -> {
        try {
          body.run(i);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
