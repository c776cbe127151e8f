package org.infonce4j.djl.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The loop every training recipe runs: units (epochs, or the stairs and segments of the
 * instruments) of steps, a checkpoint after each unit, exact resume, progress, the units' records.
 *
 * <p>A recipe supplies its data and state through {@link Recipe}: how many units and steps, one
 * step, what to record (and evaluate) after a unit, and how to save and load its state. The loop
 * does the rest: with a {@link RunDirectory} it resumes after the newest intact checkpoint (the
 * records of the earlier units come back with it), writes a checkpoint and {@code epochs.json}
 * after every unit, and stops on a non-finite loss naming the unit, the step and the checkpoint to
 * resume from. Every random choice of a recipe must derive from its seed and the unit (in {@link
 * Recipe#beginUnit}), so that a resumed run replays exactly what an uninterrupted one does.
 */
public final class Training {

  private Training() {
  }

  /**
   * What the loop needs from a recipe.
   *
   * @param <R> the record a unit leaves (its losses, timings, evaluation)
   */
  public interface Recipe<R> {

    /**
     * How the units are called in messages: "epoch" by default.
     *
     * @return the unit's name, singular
     */
    default String unitName() {
      return "epoch";
    }

    /**
     * Units to run, 1-based.
     *
     * @return the number of units
     */
    int units();

    /**
     * Steps of {@code unit}.
     *
     * @param unit the unit, 1-based
     * @return its number of steps
     */
    long steps(int unit);

    /**
     * Prepares {@code unit}: its order of the data and its random streams, from the seed and the unit alone.
     *
     * @param unit the unit, 1-based
     */
    void beginUnit(int unit);

    /**
     * Step {@code step} (0-based) of {@code unit}, the optimiser's update included; returns the loss.
     *
     * @param unit the unit, 1-based
     * @param step the step, 0-based
     * @return the step's loss; a non-finite one stops the run
     */
    double step(int unit, long step);

    /**
     * Ends {@code unit} (evaluation, if any) and returns its record.
     *
     * @param unit what the loop measured of the unit
     * @return the unit's record
     */
    R endUnit(Unit unit);

    /**
     * The record as JSON-ready values (for epochs.json and the checkpoint).
     *
     * @param record a unit's record
     * @return its values by name
     */
    Map<String, Object> toMap(R record);

    /**
     * A record from {@link #toMap}.
     *
     * @param m the values {@link #toMap} gave, as read back from JSON
     * @return the record
     */
    R fromMap(Map<String, Object> m);

    /**
     * Writes the state needed to continue after the current unit: parameters, optimiser, recipe state.
     *
     * @param out the checkpoint's payload
     * @throws IOException when writing fails
     */
    void save(DataOutputStream out) throws IOException;

    /**
     * Reads what {@link #save} wrote, into the recipe's freshly built state.
     *
     * @param in the checkpoint's payload
     * @throws IOException when reading fails or the payload is cut short
     */
    void load(DataInputStream in) throws IOException;
  }

  /**
   * What the loop measured of a finished unit.
   *
   * @param unit     1-based
   * @param steps    steps taken
   * @param meanLoss mean of the steps' losses
   * @param seconds  wall time of the steps
   */
  public record Unit(int unit, long steps, double meanLoss, double seconds) {
  }

  /**
   * One step as reported to a {@link Listener}.
   *
   * @param unit    1-based
   * @param units   units of the run
   * @param step    1-based within the unit
   * @param steps   steps of the unit
   * @param loss    the step's loss
   * @param seconds since the unit began
   */
  public record Step(int unit, int units, long step, long steps, double loss, double seconds) {
  }

  /**
   * Hears of every step and every finished unit, on the training thread.
   *
   * @param <R> the record a unit leaves
   */
  @FunctionalInterface
  public interface Listener<R> {
    /**
     * After every step.
     *
     * @param s the step and its loss
     */
    void step(Step s);

    /**
     * After {@code record}'s unit is checkpointed.
     *
     * @param record the unit's record
     */
    default void unit(R record) {
    }

    /**
     * Progress of a recipe's work outside its steps (sampling, indexing): {@code done} of {@code total}.
     *
     * @param what  the work, for display
     * @param done  how much is done
     * @param total how much there is
     */
    default void phase(String what, long done, long total) {
    }
  }

  /**
   * The units' records (those of earlier sessions included when resumed).
   *
   * @param <R>      the record a unit leaves
   * @param records  one a unit
   * @param resumed  the unit the run resumed after (0 when it started afresh)
   */
  public record Result<R>(List<R> records, int resumed) {
  }

  /**
   * Runs {@code recipe} from the start, or, when {@code run} holds a checkpoint, after the newest
   * intact one.
   *
   * @param <R>      the record a unit leaves
   * @param recipe   the recipe's data and state
   * @param run      the run directory, or null to train without checkpoints
   * @param listener hears of progress, or null
   * @return every unit's record and the unit resumed after
   * @throws IllegalStateException when a step's loss is not finite
   * @throws java.io.UncheckedIOException when a checkpoint cannot be read or written
   */
  public static <R> Result<R> run(Recipe<R> recipe, RunDirectory run, Listener<R> listener) {
    List<R> records = new ArrayList<>();
    int start = run == null ? 0 : resume(recipe, run, records);
    for (int u = start + 1; u <= recipe.units(); u++) {
      long steps = recipe.steps(u);
      recipe.beginUnit(u);
      double sum = 0;
      long t0 = System.nanoTime();
      for (long s = 0; s < steps; s++) {
        double loss = recipe.step(u, s);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException(String.format(java.util.Locale.ROOT, "the loss became %s at %s %d, step %d; %s", loss, recipe.unitName(), u,
              s + 1, u > 1 && run != null ? "the run's last checkpoint is " + recipe.unitName() + " " + (u - 1)
                  + " (--resume continues from it; a lower --lr may help)" : "a lower --lr may help"));
        }
        sum += loss;
        if (listener != null) {
          listener.step(new Step(u, recipe.units(), s + 1, steps, loss, (System.nanoTime() - t0) / 1e9));
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      R record = recipe.endUnit(new Unit(u, steps, steps == 0 ? Double.NaN : sum / steps, seconds));
      records.add(record);
      if (run != null) {
        List<Map<String, Object>> maps = records.stream().map(recipe::toMap).toList();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("unit", u);
        meta.put("records", maps);
        run.writeCheckpoint(u, meta, recipe::save);
        run.writeJson("epochs.json", maps);
      }
      if (listener != null) {
        listener.unit(record);
      }
    }
    return new Result<>(List.copyOf(records), start);
  }

  /**
   * Reads the records and the recipe's state from the run's newest intact checkpoint, if any;
   * returns its unit (0 without one).
   */
  private static <R> int resume(Recipe<R> recipe, RunDirectory run, List<R> records) {
    Optional<RunDirectory.Checkpoint> latest = run.latestCheckpoint();
    if (latest.isEmpty()) {
      return 0;
    }
    RunDirectory.Checkpoint cp = latest.get();
    records.addAll(records(recipe::fromMap, cp));
    try (DataInputStream in = cp.payload()) {
      recipe.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(cp.file() + ": cannot resume from this checkpoint: " + e.getMessage(), e);
    }
    return cp.unit();
  }

  /**
   * The records a checkpoint carries, each read by {@code decode} (a recipe's {@link Recipe#fromMap}).
   *
   * @param <R>    the record a unit leaves
   * @param decode reads one record
   * @param cp     the checkpoint
   * @return the records, unit order
   * @throws IllegalArgumentException when the checkpoint has no records
   */
  public static <R> List<R> records(java.util.function.Function<Map<String, Object>, R> decode, RunDirectory.Checkpoint cp) {
    List<R> out = new ArrayList<>();
    if (!(cp.meta().get("records") instanceof List<?> list)) {
      throw new IllegalArgumentException(cp.file() + ": the checkpoint has no records");
    }
    for (Object o : list) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      out.add(decode.apply(m));
    }
    return out;
  }
}
