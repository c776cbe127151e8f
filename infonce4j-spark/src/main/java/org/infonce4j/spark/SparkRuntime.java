package org.infonce4j.spark;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Starting Spark from this library: the JVM options Spark needs on Java 17 and a session for the
 * command line.
 */
public final class SparkRuntime {

  /**
   * The options Spark's own launcher adds on Java 17 (its {@code JavaModuleOptions}): Spark's
   * storage, serialisation and Netty code reach into these JDK packages.
   */
  public static final List<String> JAVA_OPTIONS = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true");

  private SparkRuntime() {
  }

  /**
   * Fails with the options to add when this JVM does not open {@code java.base/sun.nio.ch} and
   * {@code java.base/java.nio} to unnamed modules, without which Spark cannot start on Java 17
   * (spark-submit and the {@code ./infonce4j} launcher add them).
   */
  public static void checkJavaOptions() {
    Module base = Object.class.getModule();
    Module here = SparkRuntime.class.getModule();
    if (!base.isOpen("sun.nio.ch", here) || !base.isOpen("java.nio", here)) {
      throw new IllegalStateException("Spark needs these JVM options on Java 17 (spark-submit and ./infonce4j add them): "
          + String.join(" ", JAVA_OPTIONS));
    }
  }

  /**
   * java.util.logging loggers of Spark and the libraries it logs through, held here so that their
   * levels stay set (java.util.logging keeps only weak references to its loggers).
   */
  private static final List<java.util.logging.Logger> QUIET_JUL = new java.util.ArrayList<>();

  /**
   * Keeps a command-line run's log to warnings (Spark's default prints every stage at INFO). When
   * Spark logs through log4j2 (spark-submit, this module's tests): points log4j2 at this module's
   * {@code log4j2-quiet.properties} unless a configuration was given
   * ({@code -Dlog4j2.configurationFile} or a {@code log4j2.properties} on the class path); has an
   * effect only before anything has logged. When SLF4J goes to java.util.logging instead (the
   * {@code infonce4j} command line): sets the levels of Spark's, Hadoop's and Netty's loggers to
   * WARNING (Hadoop's native-library notice to SEVERE), unless they were set already.
   */
  public static synchronized void quietLogging() {
    for (String name : List.of("org.apache.spark", "org.apache.hadoop", "org.sparkproject", "io.netty", "org.apache.parquet",
        "org.apache.hadoop.util.NativeCodeLoader")) {
      java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
      if (l.getLevel() == null) {
        l.setLevel(name.endsWith("NativeCodeLoader") ? java.util.logging.Level.SEVERE : java.util.logging.Level.WARNING);
        QUIET_JUL.add(l);
      }
    }
    if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null
        && SparkRuntime.class.getClassLoader().getResource("log4j2.properties") == null) {
      java.net.URL quiet = SparkRuntime.class.getResource("log4j2-quiet.properties");
      if (quiet != null) {
        System.setProperty("log4j2.configurationFile", quiet.toString());
      }
    }
  }

  /**
   * The active session, or a new one: on {@code master} when given (for example {@code local[*]}),
   * else on the master spark-submit configured, else {@code local[*]}.
   *
   * @param master the master URL, or {@code null} or blank for the configured one
   * @param appName the application's name, for a new session
   * @return the session
   */
  public static SparkSession session(String master, String appName) {
    checkJavaOptions();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null && !master.isBlank()) {
      b.master(master);
    } else if (System.getProperty("spark.master") == null) {
      b.master("local[*]");
    }
    // one Spark UI is enough: a command-line run does not need it
    b.config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
    return b.getOrCreate();
  }
}
