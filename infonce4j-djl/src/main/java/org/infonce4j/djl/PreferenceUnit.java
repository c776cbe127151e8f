package org.infonce4j.djl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One unit of a preference-training run ({@link PreferenceTraining}): fine-tuning (unit 1), or one segment of {@code evalEvery} preference steps
 * of one K, ended by an evaluation.
 *
 * @param unit    1-based
 * @param phase   "sft" or "dpo K=4"
 * @param loss    mean loss of the unit's steps
 * @param seconds wall time of the steps
 */
public record PreferenceUnit(int unit, String phase, double loss, double seconds) {
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unit", unit);
    m.put("phase", phase);
    m.put("loss", loss);
    m.put("seconds", seconds);
    return m;
  }

  static PreferenceUnit fromMap(Map<String, Object> m) {
    return new PreferenceUnit(((Number) m.get("unit")).intValue(), (String) m.get("phase"), num(m.get("loss")), num(m.get("seconds")));
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }
}
