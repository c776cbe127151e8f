package org.infonce4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.infonce4j.word2vec.WordVectors;
import org.infonce4j.word2vec.WordVectorsFormat;

/**
 * Word vectors in the word2vec text or binary format on any Hadoop file system, byte for byte as
 * infonce4j-word2vec's {@link WordVectorsFormat} writes them: the file is written locally by
 * {@link WordVectorsFormat#write} (in {@code java.io.tmpdir}), then copied with Hadoop's
 * {@link FileSystem} API under a temporary name beside the target and renamed over it. A path on
 * the local file system ({@code file:} or no scheme with a local default file system) is written
 * directly, atomically, without Hadoop's {@code .crc} side files.
 */
public final class HadoopVectors {

  private HadoopVectors() {
  }

  /**
   * Writes with the session's Hadoop configuration.
   *
   * @param spark the session
   * @param path the file, any Hadoop path
   * @param vectors the vectors
   * @param binary the binary format rather than text
   */
  public static void write(SparkSession spark, String path, WordVectors vectors, boolean binary) {
    write(spark.sparkContext().hadoopConfiguration(), path, vectors, binary);
  }

  /**
   * Writes {@code vectors} to {@code path}, replacing a file already there.
   *
   * @param conf the Hadoop configuration
   * @param path the file, any Hadoop path
   * @param vectors the vectors
   * @param binary the binary format rather than text
   * @throws IllegalArgumentException when the parent directory does not exist, or a word cannot be
   *                                  written (see {@link WordVectorsFormat#write})
   * @throws UncheckedIOException     when the file system fails
   */
  public static void write(Configuration conf, String path, WordVectors vectors, boolean binary) {
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(conf);
      Path parent = fs.makeQualified(target).getParent();
      if (parent != null && !fs.exists(parent)) {
        throw new IllegalArgumentException(path + ": the output directory " + parent + " does not exist");
      }
      if (fs instanceof LocalFileSystem || "file".equals(fs.getScheme())) {
        WordVectorsFormat.write(java.nio.file.Path.of(URI.create(fs.makeQualified(target).toUri().toString())), vectors, binary);
        return;
      }
      java.nio.file.Path local = Files.createTempFile("infonce4j-vectors", binary ? ".bin" : ".txt");
      try {
        WordVectorsFormat.write(local, vectors, binary);
        Path tmp = new Path(parent, "." + target.getName() + "." + Long.toUnsignedString(System.nanoTime(), 36) + ".tmp");
        try (InputStream in = Files.newInputStream(local); OutputStream out = fs.create(tmp, true)) {
          in.transferTo(out);
        }
        if (fs.exists(target) && !fs.delete(target, false)) {
          fs.delete(tmp, false);
          throw new IOException("cannot replace " + target);
        }
        if (!fs.rename(tmp, target)) {
          fs.delete(tmp, false);
          throw new IOException("cannot rename " + tmp + " to " + target);
        }
      } finally {
        Files.deleteIfExists(local);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * Fails unless the directory {@code path} would be written into exists.
   *
   * @param conf the Hadoop configuration
   * @param path the file to be written, any Hadoop path
   * @throws IllegalArgumentException naming the missing directory
   */
  public static void checkParent(Configuration conf, String path) {
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(conf);
      Path parent = fs.makeQualified(target).getParent();
      if (parent != null && !fs.exists(parent)) {
        throw new IllegalArgumentException(path + ": the output directory " + parent + " does not exist");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot check the output path: " + e.getMessage(), e);
    }
  }

  /**
   * Reads with the session's Hadoop configuration.
   *
   * @param spark the session
   * @param path the file, any Hadoop path
   * @return the vectors
   */
  public static WordVectors read(SparkSession spark, String path) {
    return read(spark.sparkContext().hadoopConfiguration(), path);
  }

  /**
   * Reads a word2vec text or binary file (told apart as {@link WordVectorsFormat#read} does) from
   * any Hadoop file system: copied to a local temporary file first unless it is local.
   *
   * @param conf the Hadoop configuration
   * @param path the file, any Hadoop path
   * @return the vectors
   * @throws IllegalArgumentException when the file does not exist or is malformed
   */
  public static WordVectors read(Configuration conf, String path) {
    Path source = new Path(path);
    try {
      FileSystem fs = source.getFileSystem(conf);
      if (!fs.exists(source)) {
        throw new IllegalArgumentException(path + ": no such file");
      }
      if (fs instanceof LocalFileSystem || "file".equals(fs.getScheme())) {
        return WordVectorsFormat.read(java.nio.file.Path.of(URI.create(fs.makeQualified(source).toUri().toString())));
      }
      java.nio.file.Path local = Files.createTempFile("infonce4j-vectors", ".w2v");
      try {
        try (InputStream in = fs.open(source); OutputStream out = Files.newOutputStream(local)) {
          in.transferTo(out);
        }
        return WordVectorsFormat.read(local);
      } finally {
        Files.deleteIfExists(local);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
    }
  }
}
