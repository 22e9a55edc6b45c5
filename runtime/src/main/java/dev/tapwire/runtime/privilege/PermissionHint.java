package dev.tapwire.runtime.privilege;

import java.util.Locale;

/**
 * Adds the missing capability to a startup error caused by a refused privilege (EPERM, EACCES), so
 * that an operator running the deployable as a non-root user sees what to grant, in one line.
 */
public final class PermissionHint {
  private PermissionHint() {}

  /** Whether {@code message} reports a refused privilege. */
  public static boolean isPermissionError(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("operation not permitted")
        || m.contains("permission denied")
        || m.contains("accessdenied")
        || m.contains("eperm")
        || m.contains("eacces");
  }

  /** {@code message}, followed by {@code " (needs ...)"} when it reports a refused privilege. */
  public static String withHint(String message, String needs) {
    return isPermissionError(message) ? message + " (needs " + needs + ")" : message;
  }
}
