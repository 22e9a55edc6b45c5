package dev.tapwire.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a deadline, capturing stdout and stderr. */
public final class Exec {
  /** Default deadline of {@link #run(String...)}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Exit code and output of a finished command. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Standard output split into lines, without the line terminators. */
    public List<String> stdoutLines() {
      return stdout.lines().toList();
    }

    /** Whether the exit code is 0. */
    public boolean ok() {
      return exitCode == 0;
    }

    /** This result if the exit code is 0, else an exception quoting the command and stderr. */
    public Result check() {
      if (!ok()) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + exitCode + ": " + stderr.strip());
      }
      return this;
    }
  }

  private Exec() {}

  /** Runs {@code command} with {@link #DEFAULT_TIMEOUT}; does not check the exit code. */
  public static Result run(String... command) {
    return run(List.of(command), DEFAULT_TIMEOUT);
  }

  /** Runs {@code command} and throws unless it exits with 0; returns its stdout. */
  public static String check(String... command) {
    return run(command).check().stdout();
  }

  /** Runs {@code command}, killing it if it takes longer than {@code timeout}. */
  public static Result run(List<String> command, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("tw-exec", ".out");
      err = Files.createTempFile("tw-exec", ".err");
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(
          List.copyOf(command),
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
