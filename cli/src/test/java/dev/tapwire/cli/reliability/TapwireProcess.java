package dev.tapwire.cli.reliability;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tapwire ARGS...} run from the built jar ({@code target/tapwire-cli.jar} and its {@code
 * lib/}) in a JVM of its own inside a namespace, optionally behind a privilege-dropping prefix
 * ({@code setpriv ...}) that replaces itself with the JVM, so the pid is the JVM's.
 */
final class TapwireProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "tapwire-cli.jar").toAbsolutePath();

  private final String name;
  private final Process process;
  private final Path log;

  private TapwireProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The jar the tests launch; built by the package phase, before the integration tests. */
  static Path jar() {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run mvn verify (package builds it)");
    }
    return JAR;
  }

  /** Starts {@code tapwire args...} in {@code ns}, its output in {@code log}. */
  static TapwireProcess start(
      String name, Netns ns, List<String> prefix, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
    command.addAll(prefix);
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-jar",
            jar().toString()));
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new TapwireProcess(name, p, log);
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

  /** Waits for it to exit by itself; returns the exit code. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + timeout + ":\n" + logTail(20));
    }
    return process.exitValue();
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Resident set size of the JVM ({@code VmRSS} in /proc), bytes. */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new AssertionError(name + " is gone:\n" + logTail(20), e);
    }
    throw new AssertionError("no VmRSS for " + name);
  }

  /** Java heap in use, bytes, from {@code jcmd PID GC.heap_info} (young + old generation). */
  HeapUse heap() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String out =
        Exec.run(List.of(jcmd, Long.toString(pid()), "GC.heap_info"), Exec.DEFAULT_TIMEOUT)
            .check()
            .stdout();
    return HeapUse.parse(out);
  }

  /** SIGKILL, then waits for it to be gone. */
  void kill9() throws InterruptedException {
    Exec.check("kill", "-KILL", Long.toString(pid()));
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL");
    }
  }

  /** SIGTERM (flush and exit); returns whether it stopped by itself within {@code timeout}. */
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
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }

  /** Serial GC heap occupancy: young (eden + survivor) and old generation, bytes. */
  record HeapUse(long youngUsedBytes, long oldUsedBytes) {
    long usedBytes() {
      return youngUsedBytes + oldUsedBytes;
    }

    /**
     * Parses lines like {@code def new generation total 9792K, used 4414K [...]} and {@code tenured
     * generation total 21888K, used 7891K [...]}.
     */
    static HeapUse parse(String heapInfo) {
      long young = -1;
      long old = -1;
      for (String line : heapInfo.lines().toList()) {
        String t = line.strip();
        if (t.startsWith("DefNew") || t.startsWith("def new generation")) {
          young = usedKib(t) * 1024;
        } else if (t.startsWith("Tenured") || t.startsWith("tenured generation")) {
          old = usedKib(t) * 1024;
        }
      }
      if (young < 0 || old < 0) {
        throw new AssertionError("unexpected GC.heap_info output:\n" + heapInfo);
      }
      return new HeapUse(young, old);
    }

    private static long usedKib(String line) {
      int i = line.indexOf("used ");
      int k = line.indexOf('K', i);
      return Long.parseLong(line.substring(i + 5, k).strip());
    }
  }
}
