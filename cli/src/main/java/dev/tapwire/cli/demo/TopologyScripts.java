package dev.tapwire.cli.demo;

import dev.tapwire.cli.UserFacingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code deploy/topology/up.sh}, {@code down.sh} and {@code traffic.sh}. */
final class TopologyScripts {
  private static final long SCRIPT_TIMEOUT_SECONDS = 120;

  private final Path dir;

  TopologyScripts(Path dir) {
    this.dir = dir;
  }

  /**
   * The scripts of this installation: {@code $TAPWIRE_HOME/deploy/topology} (the launcher sets the
   * {@code tapwire.home} property), else found upwards from the jar or the working directory.
   */
  static TopologyScripts locate(Path override) {
    List<Path> candidates = new ArrayList<>();
    if (override != null) {
      candidates.add(override);
    } else {
      String home = System.getProperty("tapwire.home");
      if (home != null) {
        candidates.add(Path.of(home, "deploy", "topology"));
      }
      try {
        Path code =
            Path.of(
                TopologyScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        addAncestors(candidates, code);
      } catch (Exception e) {
        // no code source: fall back to the working directory
      }
      addAncestors(candidates, Path.of("").toAbsolutePath());
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c.resolve("up.sh"))) {
        return new TopologyScripts(c);
      }
    }
    throw new UserFacingException(
        "cannot find deploy/topology/up.sh (looked in "
            + candidates.stream().map(Path::toString).distinct().toList()
            + "); run ./tapwire from the source tree or pass --scripts DIR");
  }

  private static void addAncestors(List<Path> candidates, Path start) {
    for (Path p = start; p != null; p = p.getParent()) {
      candidates.add(p.resolve("deploy").resolve("topology"));
    }
  }

  Path dir() {
    return dir;
  }

  /** Builds the topology; its description, or a failure quoting up.sh's error. */
  Topology up(String prefix, Path log) throws IOException {
    Result r = run(log, "up.sh", prefix);
    if (r.exitCode() != 0) {
      throw new UserFacingException(
          "deploy/topology/up.sh " + prefix + " failed (exit " + r.exitCode() + "): " + r.log());
    }
    return Topology.parse(r.stdout());
  }

  /** Removes the topology; true if down.sh succeeded. */
  boolean down(String prefix, Path log) {
    try {
      return run(log, "down.sh", prefix).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Starts {@code traffic.sh PREFIX SECONDS}, its output into {@code log}. */
  Process startTraffic(String prefix, long seconds, Path log) throws IOException {
    return new ProcessBuilder(dir.resolve("traffic.sh").toString(), prefix, Long.toString(seconds))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private record Result(int exitCode, String stdout, String log) {}

  private Result run(Path log, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(dir.resolve(script).toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("tapwire-demo-" + script, ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(script + " did not finish within " + SCRIPT_TIMEOUT_SECONDS + " s");
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      List<String> logLines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String tail =
          String.join("\n", logLines.subList(Math.max(0, logLines.size() - 5), logLines.size()));
      return new Result(p.exitValue(), stdout, tail);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + script, e);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
