package org.infonce4j.djl.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.infonce4j.Provenance;
import org.infonce4j.io.AtomicFile;

/**
 * The directory of one training run: {@code config.json} (the recipe and its settings),
 * {@code provenance.json} (versions, commit, machine), {@code checkpoints/epoch-NNNN.ckpt} (written
 * atomically and checksummed; the last {@link #KEEP} kept), {@code epochs.json}, {@code
 * metrics.json} and plots. A run is resumed by opening its directory again with the same settings.
 *
 * <p>A checkpoint file is a header (magic, format, unit, the JSON metadata: settings and the
 * records of the units so far), the recipe's payload (parameters, optimiser and recipe state) and a
 * trailer with the CRC32C of everything before it. A file whose checksum does not match (a write
 * cut short outside {@link AtomicFile}, a damaged disk) is named and passed over for the previous
 * intact one.
 */
public final class RunDirectory {

  /** Checkpoints kept; older ones are deleted after each new one is safely written. */
  public static final int KEEP = 2;

  private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d{4,})\\.ckpt");
  private static final int MAGIC = 0x494A_434B; // "IJCK"
  private static final int FORMAT = 1;
  private static final int TRAILER = 0x454E_4421; // "END!"
  private static final System.Logger LOG = System.getLogger(RunDirectory.class.getName());

  private final Path dir;
  private final Map<String, Object> config;
  /**
   * The newest intact checkpoint as last found, and the checkpoint files (name, size, time) it was found among: while they are
   * unchanged it is not checksummed, nor a damaged file warned about, a second time.
   */
  private Optional<Checkpoint> latest;
  private List<String> latestAmong;

  private RunDirectory(Path dir, Map<String, Object> config) {
    this.dir = dir;
    this.config = config;
  }

  /**
   * Starts a run in {@code dir}, or continues the one there when {@code resume}.
   *
   * @param dir    the run's directory, created when missing
   * @param config the recipe's settings, recipe name included; compared with the stored ones on resume
   * @param resume whether to continue the run in {@code dir}
   * @return the run; its provenance is written ({@code provenance-resume.json} on resume)
   * @throws IllegalArgumentException when {@code dir} holds a run and {@code resume} is false, when it
   *     holds none and {@code resume} is true, when it is a non-empty folder that is not a run (its
   *     files would be overwritten), or when the settings differ
   */
  public static RunDirectory start(Path dir, Map<String, Object> config, boolean resume) {
    Path cfg = dir.resolve("config.json");
    boolean exists = Files.isRegularFile(cfg);
    if (exists && !resume) {
      throw new IllegalArgumentException(dir + " already holds a run; pass --resume to continue it, or choose another --out directory");
    }
    if (!exists && resume) {
      throw new IllegalArgumentException(dir + " holds no run to resume (no config.json)");
    }
    if (!exists && Files.exists(dir) && !isEmptyDirectory(dir)) {
      throw new IllegalArgumentException(dir + " exists and is not an empty folder nor a run directory; choose another --out directory");
    }
    try {
      Files.createDirectories(dir.resolve("checkpoints"));
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot create the run directory: " + e.getMessage(), e);
    }
    JsonNode wanted = Json.MAPPER.valueToTree(config);
    // Both sides through a JSON text, so that number types compare alike.
    wanted = Json.tree(Json.write(wanted), cfg);
    if (exists) {
      JsonNode stored = Json.tree(read(cfg), cfg);
      if (!stored.equals(wanted)) {
        throw new IllegalArgumentException(dir + ": the run was started with other settings; resume it with the same ones.\n stored: "
            + stored + "\n  given: " + wanted);
      }
    } else {
      AtomicFile.writeString(cfg, Json.write(wanted) + "\n");
    }
    RunDirectory run = new RunDirectory(dir, Json.toMap(wanted, cfg));
    run.writeJson(exists ? "provenance-resume.json" : "provenance.json", Provenance.describe());
    return run;
  }

  /**
   * {@return the existing run in {@code dir}, opened for evaluation}
   * @param dir the run's directory
   * @throws IllegalArgumentException when {@code dir} holds no valid {@code config.json}
   */
  public static RunDirectory open(Path dir) {
    Path cfg = dir.resolve("config.json");
    if (!Files.isRegularFile(cfg)) {
      throw new IllegalArgumentException(dir + " is not a run directory (no config.json)");
    }
    return new RunDirectory(dir, Json.toMap(Json.tree(read(cfg), cfg), cfg));
  }

  /** {@return the run's directory} */
  public Path dir() {
    return dir;
  }

  /** {@return the run's settings as stored} */
  public Map<String, Object> config() {
    return config;
  }

  /**
   * {@return {@code dir/name}}
   * @param name a file name, or a path relative to the run directory
   */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * Writes {@code dir/name} as pretty JSON, atomically.
   * @param name  the file's name in the run directory
   * @param value what {@link Json#write(Object)} accepts
   * @throws UncheckedIOException naming the file when it cannot be written
   */
  public void writeJson(String name, Object value) {
    AtomicFile.writeString(file(name), Json.write(value) + "\n");
  }

  /**
   * {@return {@code dir/name} read as a JSON object}
   * @param name the file's name in the run directory
   * @throws IllegalArgumentException naming the file when it is not a JSON object
   */
  public Map<String, Object> readJson(String name) {
    Path p = file(name);
    return Json.toMap(Json.tree(read(p), p), p);
  }

  /**
   * {@return {@code dir/name} read as JSON of any shape (lists, maps, numbers, strings)}
   * @param name the file's name in the run directory
   * @throws IllegalArgumentException naming the file when it is not JSON
   */
  public Object readJsonValue(String name) {
    Path p = file(name);
    try {
      return Json.MAPPER.treeToValue(Json.tree(read(p), p), Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(p + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Writes the content of a checkpoint after its header. */
  @FunctionalInterface
  public interface Payload {
    /**
     * Writes the recipe's state.
     * @param out the checkpoint, after its header
     * @throws IOException when writing fails
     */
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * Writes the checkpoint of {@code unit} atomically (header, {@code meta}, the payload, checksum),
   * then drops all but the newest {@link #KEEP}.
   * @param unit    the unit the checkpoint ends, 1-based
   * @param meta    the settings and records, as JSON-ready values
   * @param payload writes the recipe's state
   * @throws UncheckedIOException naming the file when a checkpoint cannot be written or deleted
   */
  public void writeCheckpoint(int unit, Map<String, Object> meta, Payload payload) {
    byte[] metaBytes = Json.write(meta).getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(checkpointPath(unit), raw -> {
      CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32C());
      DataOutputStream out = new DataOutputStream(checked);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(unit);
      out.writeInt(metaBytes.length);
      out.write(metaBytes);
      payload.write(out);
      out.flush();
      DataOutputStream tail = new DataOutputStream(raw);
      tail.writeLong(checked.getChecksum().getValue());
      tail.writeInt(TRAILER);
      tail.flush();
    });
    List<Integer> units = checkpointUnits();
    for (int k = 0; k + KEEP < units.size(); k++) {
      try {
        Files.deleteIfExists(checkpointPath(units.get(k)));
      } catch (IOException e) {
        throw new UncheckedIOException(checkpointPath(units.get(k)) + ": cannot delete an old checkpoint: " + e.getMessage(), e);
      }
    }
  }

  /**
   * A verified checkpoint: its unit, its metadata, and its payload to read.
   *
   * @param file   the checkpoint file
   * @param unit   the unit (epoch, stair, segment) it ends
   * @param meta   the metadata written with it
   * @param offset where the payload starts in the file
   * @param length the payload's length in bytes
   */
  public record Checkpoint(Path file, int unit, Map<String, Object> meta, long offset, long length) {

    /**
     * {@return the payload as a stream; reading past its end fails} Close it.
     * @throws IOException when the file cannot be opened
     */
    public DataInputStream payload() throws IOException {
      InputStream in = Files.newInputStream(file);
      in.skipNBytes(offset);
      return new DataInputStream(new BufferedInputStream(new BoundedInputStream(in, length), 1 << 16));
    }
  }

  /**
   * {@return the newest intact checkpoint, if any} A newer file that fails its checksum or cannot be
   * read is named in a warning and passed over.
   */
  public synchronized Optional<Checkpoint> latestCheckpoint() {
    List<String> files = new ArrayList<>();
    for (int unit : checkpointUnits()) {
      Path file = checkpointPath(unit);
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        files.add(file.getFileName() + " " + a.size() + " " + a.lastModifiedTime().toInstant());
      } catch (IOException e) {
        files.add(file.getFileName() + " unreadable");
      }
    }
    if (!files.equals(latestAmong)) {
      latest = findLatestCheckpoint();
      latestAmong = files;
    }
    return latest;
  }

  private Optional<Checkpoint> findLatestCheckpoint() {
    List<Integer> units = checkpointUnits();
    for (int k = units.size() - 1; k >= 0; k--) {
      Path file = checkpointPath(units.get(k));
      try {
        return Optional.of(verify(file, units.get(k)));
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage() + (k > 0 ? "; using the previous checkpoint" : ""));
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the newest intact checkpoint}
   * @throws IllegalArgumentException naming the run when it has none
   */
  public Checkpoint requireCheckpoint() {
    return latestCheckpoint().orElseThrow(() -> new IllegalArgumentException(dir + ": the run has no intact checkpoint yet"));
  }

  /**
   * {@return the path of {@code unit}'s checkpoint}
   * @param unit the unit, 1-based
   */
  public Path checkpointPath(int unit) {
    return dir.resolve("checkpoints").resolve(String.format("epoch-%04d.ckpt", unit));
  }

  /** Checks the file's checksum and reads its header; throws naming the file when it is not intact. */
  static Checkpoint verify(Path file, int unit) {
    try {
      long size = Files.size(file);
      if (size < 16 + 12) {
        throw new IllegalArgumentException(file + ": damaged checkpoint (only " + size + " bytes)");
      }
      long body = size - 12;
      CRC32C crc = new CRC32C();
      long stored;
      int end;
      Map<String, Object> meta;
      long offset;
      try (InputStream raw = Files.newInputStream(file);
          DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
        CheckedInputStream checked = new CheckedInputStream(new BoundedInputStream(in, body), crc);
        DataInputStream head = new DataInputStream(checked);
        int magic = head.readInt();
        int format = head.readInt();
        if (magic != MAGIC || format != FORMAT) {
          throw new IllegalArgumentException(file + ": not a checkpoint of this version of infonce4j (written by an older one, or damaged)");
        }
        int storedUnit = head.readInt();
        if (storedUnit != unit) {
          throw new IllegalArgumentException(file + ": damaged checkpoint (holds unit " + storedUnit + ", its name says " + unit + ")");
        }
        int metaLength = head.readInt();
        if (metaLength < 0 || metaLength > body - 16) {
          throw new IllegalArgumentException(file + ": damaged checkpoint (metadata length " + metaLength + ")");
        }
        byte[] metaBytes = head.readNBytes(metaLength);
        offset = 16L + metaLength;
        head.transferTo(java.io.OutputStream.nullOutputStream());
        stored = in.readLong();
        end = in.readInt();
        meta = end == TRAILER && stored == crc.getValue() ? Json.toMap(Json.tree(new String(metaBytes, StandardCharsets.UTF_8), file), file) : null;
      }
      if (end != TRAILER || stored != crc.getValue()) {
        throw new IllegalArgumentException(file + ": damaged checkpoint (checksum does not match: written only in part, or changed since)");
      }
      return new Checkpoint(file, unit, meta, offset, body - offset);
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": damaged checkpoint (ends early)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the checkpoint: " + e.getMessage(), e);
    }
  }

  private List<Integer> checkpointUnits() {
    List<Integer> out = new ArrayList<>();
    Path folder = dir.resolve("checkpoints");
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (Stream<Path> s = Files.list(folder)) {
      s.forEach(p -> {
        Matcher m = CHECKPOINT.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.add(Integer.parseInt(m.group(1)));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list the checkpoints: " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  private static boolean isEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads at most {@code limit} bytes of the stream under it. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(Math.min(n, left));
      left -= s;
      return s;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
