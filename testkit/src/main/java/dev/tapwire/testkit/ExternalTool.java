package dev.tapwire.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /**
   * What a run produced.
   *
   * @param exitCode the process exit code
   * @param stdout standard output, decoded as UTF-8
   * @param stderr standard error, decoded as UTF-8
   */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Standard output split into lines, without the line terminators. */
    public List<String> stdoutLines() {
      return stdout.lines().toList();
    }
  }

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
  public static Result run(String program, String... args) {
    return run(DEFAULT_TIMEOUT, program, List.of(args));
  }

  /**
   * Runs {@code program} with {@code args}, standard input closed, and waits up to {@code timeout}.
   * Fails the test if it cannot start or does not finish in time (the process is killed).
   */
  public static Result run(Duration timeout, String program, List<String> args) {
    Path executable = require(program);
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    Path stdout = null;
    Path stderr = null;
    try {
      // Output goes to files, not pipes, so a chatty tool can never block on a full pipe.
      stdout = Files.createTempFile("tapwire-" + program, ".out");
      stderr = Files.createTempFile("tapwire-" + program, ".err");
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        return Assertions.fail(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(
          process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Assertions.fail("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Assertions.fail("interrupted while running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(stdout);
      deleteQuietly(stderr);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover temp file is harmless.
      }
    }
  }
}
