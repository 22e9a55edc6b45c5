package dev.tapwire.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an external program (tshark, capinfos, tcpdump, ...) for a test and returns its exit code
 * and output. A missing program skips the test, except under CI ({@code CI=true}), where it fails
 * it: CI must have every oracle installed.
 */
public final class ExternalTool {
  /** Default time limit for one run; a guard against hangs, not a performance assertion. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private ExternalTool() {}

  /** True when running under CI, where missing tools are failures. */
  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * The path of {@code program} on the PATH. If it is missing, fails the test under CI and
   * otherwise aborts (skips) it.
   */
  public static Path require(String program) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    String message = program + " is not installed (not found on PATH)";
    if (underCi()) {
      return Assertions.fail(message + "; CI=true requires it");
    }
    Assumptions.abort(message + "; skipping (set CI=true to make this a failure)");
    throw new AssertionError("unreachable");
  }

  /** Runs {@code program} (looked up with {@link #require}) with {@code args}. */
  public static Exec.Result run(String program, String... args) {
    return run(DEFAULT_TIMEOUT, program, List.of(args));
  }

  /**
   * Runs {@code program} with {@code args}, standard input closed, and waits up to {@code timeout}
   * (the process is killed after it, failing the test).
   */
  public static Exec.Result run(Duration timeout, String program, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(require(program).toString());
    command.addAll(args);
    return Exec.run(command, timeout);
  }
}
