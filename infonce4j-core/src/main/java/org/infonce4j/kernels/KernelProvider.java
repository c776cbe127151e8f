package org.infonce4j.kernels;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Chooses the kernel implementation once per JVM.
 *
 * <p>{@code -Dinfonce4j.kernels=auto|scalar|panama} (default {@code auto}). In {@code auto} mode the
 * Panama kernels are used when the module {@code jdk.incubator.vector} is readable (the JVM was
 * started with {@code --add-modules jdk.incubator.vector}) and its preferred float vector has at
 * least 8 lanes (AVX2 or wider); otherwise the scalar kernels. {@code panama} fails loudly when the
 * module is missing. The Panama class is loaded by name, so the scalar path never touches incubator
 * classes. One log line says which was chosen and why.
 */
public final class KernelProvider {

  /** The system property that forces a choice. */
  public static final String PROPERTY = "infonce4j.kernels";

  private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
  private static final String PANAMA_CLASS = "org.infonce4j.kernels.PanamaKernels";

  private static volatile Kernels selected;
  private static volatile String reason;

  private KernelProvider() {
  }

  /**
   * The kernels chosen for this JVM (chosen, and logged, on first use).
   *
   * @return the kernels in use
   */
  public static Kernels get() {
    Kernels k = selected;
    if (k == null) {
      synchronized (KernelProvider.class) {
        k = selected;
        if (k == null) {
          k = choose(System.getProperty(PROPERTY, "auto"));
          LOG.log(Level.INFO, "infonce4j kernels: " + k.description() + " (" + reason + ")");
          selected = k;
        }
      }
    }
    return k;
  }

  /**
   * Why {@link #get()} chose what it chose.
   *
   * @return the reason, for logs and provenance
   */
  public static String reason() {
    get();
    return reason;
  }

  /**
   * The level-1 vector operations matching {@link #get()}: Panama when the Panama kernels were
   * chosen, plain loops otherwise.
   *
   * @return a new instance of the matching vector operations
   */
  public static VectorOps vectorOps() {
    if ("panama".equals(get().name())) {
      try {
        return (VectorOps) Class.forName("org.infonce4j.kernels.PanamaVectorOps").getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalStateException("cannot load the Panama vector operations: " + e, e);
      }
    }
    return new ScalarVectorOps();
  }

  /**
   * The plain-Java kernels, always available.
   *
   * @return a new instance of the scalar kernels
   */
  public static Kernels scalar() {
    return new ScalarKernels();
  }

  /**
   * True when {@code jdk.incubator.vector} is readable in this JVM.
   *
   * @return whether the vector module is in the boot layer
   */
  public static boolean vectorModuleReadable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * The Panama kernels.
   *
   * @return a new instance of the Panama kernels
   * @throws IllegalStateException when the vector module is not readable
   */
  public static Kernels panama() {
    if (!vectorModuleReadable()) {
      throw new IllegalStateException(
          "Panama kernels need the module jdk.incubator.vector; start the JVM with --add-modules jdk.incubator.vector");
    }
    try {
      return (Kernels) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Panama kernels: " + e, e);
    }
  }

  private static Kernels choose(String mode) {
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "scalar" :
        reason = PROPERTY + "=scalar";
        return scalar();
      case "panama" :
        reason = PROPERTY + "=panama";
        return panama();
      case "auto" :
        break;
      default :
        throw new IllegalArgumentException(PROPERTY + " must be auto, scalar or panama, got '" + mode + "'");
    }
    if (!vectorModuleReadable()) {
      reason = "jdk.incubator.vector is not readable; start the JVM with --add-modules jdk.incubator.vector for the vector kernels";
      return scalar();
    }
    try {
      Kernels panama = panama();
      int lanes = (int) Class.forName(PANAMA_CLASS).getMethod("lanes").invoke(null);
      if (lanes < 8) {
        reason = "the preferred float vector has only " + lanes + " lanes, too narrow to pay";
        return scalar();
      }
      reason = "jdk.incubator.vector is readable";
      return panama;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      reason = "the Panama kernels failed to load (" + e + ")";
      return scalar();
    }
  }
}
