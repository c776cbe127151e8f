package org.infonce4j.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.infonce4j.Provenance;
import org.infonce4j.io.AtomicFile;
import org.infonce4j.io.Json;
import org.infonce4j.io.JsonReader;

/**
 * The directory of one training run: {@code config.json} (the recipe and its settings),
 * {@code provenance.json} (versions, commit, machine), {@code checkpoints/epoch-NNNN.ckpt} (written
 * atomically; the last {@link #KEEP} kept), {@code metrics.json} and plots. A run is resumed by
 * opening its directory again with the same settings.
 */
public final class RunDirectory {

  /** Checkpoints kept; older ones are deleted after each new one is safely written. */
  public static final int KEEP = 2;

  private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d{4,})\\.ckpt");

  private final Path dir;
  private final Map<String, Object> config;

  private RunDirectory(Path dir, Map<String, Object> config) {
    this.dir = dir;
    this.config = config;
  }

  /**
   * Starts a run in {@code dir}, or continues the one there when {@code resume}.
   *
   * @param config the recipe's settings, recipe name included; compared with the stored ones on resume
   * @throws IllegalArgumentException when {@code dir} holds a run and {@code resume} is false, when it
   *                                  holds none and {@code resume} is true, or when the settings differ
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
    try {
      Files.createDirectories(dir.resolve("checkpoints"));
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot create the run directory: " + e.getMessage(), e);
    }
    String wanted = Json.pretty(config);
    if (exists) {
      Map<String, Object> stored = JsonReader.parseObject(read(cfg));
      // Both sides through the same parse, so that number types compare alike.
      if (!Json.pretty(stored).equals(Json.pretty(JsonReader.parseObject(wanted)))) {
        throw new IllegalArgumentException(dir + ": the run was started with other settings; resume it with the same ones.\n stored: "
            + Json.write(stored) + "\n  given: " + Json.write(config));
      }
    } else {
      AtomicFile.writeString(cfg, wanted + "\n");
    }
    RunDirectory run = new RunDirectory(dir, JsonReader.parseObject(wanted));
    Map<String, Object> prov = Provenance.describe();
    run.writeJson(exists ? "provenance-resume.json" : "provenance.json", prov);
    return run;
  }

  /** Opens an existing run (for evaluation). */
  public static RunDirectory open(Path dir) {
    Path cfg = dir.resolve("config.json");
    if (!Files.isRegularFile(cfg)) {
      throw new IllegalArgumentException(dir + " is not a run directory (no config.json)");
    }
    return new RunDirectory(dir, JsonReader.parseObject(read(cfg)));
  }

  public Path dir() {
    return dir;
  }

  /** The run's settings as stored. */
  public Map<String, Object> config() {
    return config;
  }

  /** {@code dir/name}. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Writes {@code dir/name} as pretty JSON, atomically. */
  public void writeJson(String name, Object value) {
    AtomicFile.writeString(file(name), Json.pretty(value) + "\n");
  }

  /** Reads {@code dir/name} as a JSON object. */
  public Map<String, Object> readJson(String name) {
    return JsonReader.parseObject(read(file(name)));
  }

  /** Writes the checkpoint of {@code epoch} atomically, then drops all but the newest {@link #KEEP}. */
  public void writeCheckpoint(int epoch, AtomicFile.Writer writer) {
    AtomicFile.write(checkpoint(epoch), writer);
    List<Integer> epochs = checkpointEpochs();
    for (int k = 0; k + KEEP < epochs.size(); k++) {
      try {
        Files.deleteIfExists(checkpoint(epochs.get(k)));
      } catch (IOException e) {
        throw new UncheckedIOException(checkpoint(epochs.get(k)) + ": cannot delete an old checkpoint: " + e.getMessage(), e);
      }
    }
  }

  /** The path of {@code epoch}'s checkpoint. */
  public Path checkpoint(int epoch) {
    return dir.resolve("checkpoints").resolve(String.format("epoch-%04d.ckpt", epoch));
  }

  /** The newest epoch with a checkpoint, if any. */
  public OptionalInt latestCheckpoint() {
    List<Integer> epochs = checkpointEpochs();
    return epochs.isEmpty() ? OptionalInt.empty() : OptionalInt.of(epochs.get(epochs.size() - 1));
  }

  private List<Integer> checkpointEpochs() {
    List<Integer> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
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

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": cannot read: " + e.getMessage(), e);
    }
  }
}
