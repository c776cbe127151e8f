package org.infonce4j;

import java.util.Map;

/**
 * What produced a result (house rule 8): the library version, the git commit the launcher found,
 * the Java runtime and the machine's processor count. The commit comes from the environment
 * variable {@code INFONCE4J_COMMIT}, which the {@code ./infonce4j} launcher sets; "unknown"
 * otherwise.
 */
public final class Provenance {
  private Provenance() {
  }

  /**
   * The library version from the jar manifest, or "dev" when running from classes.
   *
   * @return the version string
   */
  public static String version() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * The git commit of the build, or "unknown".
   *
   * @return the commit, from the INFONCE4J_COMMIT environment variable when set
   */
  public static String commit() {
    String c = System.getenv("INFONCE4J_COMMIT");
    return c == null || c.isBlank() ? "unknown" : c.trim();
  }

  /**
   * Version, commit, Java runtime, OS and processors as an ordered map for a JSON report.
   *
   * @return a new ordered map
   */
  public static Map<String, Object> describe() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("infonce4j", version());
    m.put("commit", commit());
    m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("processors", Runtime.getRuntime().availableProcessors());
    return m;
  }
}
