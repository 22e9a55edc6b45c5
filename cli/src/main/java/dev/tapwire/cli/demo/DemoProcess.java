package dev.tapwire.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process of the demo started inside a network namespace ({@code ip netns exec NS
 * ...}, which replaces itself with the command, so the pid is the command's), its standard output
 * and error in a log file.
 */
final class DemoProcess {
  private final String name;
  private final Process process;
  private final Path log;

  private DemoProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in namespace {@code ns}, logging to {@code log}. */
  static DemoProcess start(String name, String ns, List<String> command, Path log)
      throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(command);
    Process p =
        new ProcessBuilder(full)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new DemoProcess(name, p, log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, once it has exited. */
  int exitValue() {
    return process.exitValue();
  }

  /** What the process wrote so far. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last {@code lines} lines of the log, for error messages. */
  String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * Asks the process to stop (SIGTERM: the agent, the collector and tcpdump all flush and exit on
   * it) and waits up to {@code timeout}; kills it if it is still there. Returns whether it stopped
   * by itself.
   */
  boolean stop(Duration timeout) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.destroyForcibly();
      process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
