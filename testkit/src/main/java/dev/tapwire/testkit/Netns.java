package dev.tapwire.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A network namespace created for one test ({@code ip netns add tw-<random>}) with {@code lo} up,
 * deleted on {@link #close}, after killing any process still running in it. Use with
 * try-with-resources so it goes away even when the test fails.
 */
public final class Netns implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final boolean owned;
  private boolean closed;

  private Netns(String name, boolean owned) {
    this.name = name;
    this.owned = owned;
  }

  /** Creates a uniquely named namespace and brings its loopback up. */
  public static Netns create() {
    for (int attempt = 0; ; attempt++) {
      String name = "tw-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
      Exec.Result r = Exec.run("ip", "netns", "add", name);
      if (r.ok()) {
        Netns ns = new Netns(name, true);
        try {
          ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
          ns.close();
          throw e;
        }
        return ns;
      }
      if (attempt >= 3 || !Files.exists(Path.of("/var/run/netns", name))) {
        r.check();
      }
    }
  }

  /**
   * A handle on a namespace that something else created (a topology script) and will delete: {@link
   * #close} leaves it and its processes alone.
   *
   * @throws IllegalArgumentException if there is no such namespace
   */
  public static Netns existing(String name) {
    if (!Files.exists(Path.of("/var/run/netns", name))) {
      throw new IllegalArgumentException("no network namespace " + name);
    }
    return new Netns(name, false);
  }

  /** The namespace name, as used by {@code ip netns} and {@code /var/run/netns/NAME}. */
  public String name() {
    return name;
  }

  /** Runs {@code ip -n NAME args...} and returns its stdout; throws on a non-zero exit. */
  public String ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
    cmd.addAll(List.of(args));
    return Exec.run(cmd, Exec.DEFAULT_TIMEOUT).check().stdout();
  }

  /** Runs {@code command} inside the namespace ({@code ip netns exec}); does not check the exit. */
  public Exec.Result exec(String... command) {
    return Exec.run(execCommand(command), Exec.DEFAULT_TIMEOUT);
  }

  /** Runs {@code command} inside the namespace and returns stdout; throws on a non-zero exit. */
  public String execChecked(String... command) {
    return exec(command).check().stdout();
  }

  /** Sets a sysctl inside the namespace ({@code sysctl -w KEY=VALUE}). */
  public void sysctl(String key, String value) {
    execChecked("sysctl", "-q", "-w", key + "=" + value);
  }

  /** {@code ip netns exec NAME command...}, for starting long-running processes. */
  public List<String> execCommand(String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    return cmd;
  }

  /** Process ids running in the namespace ({@code ip netns pids}). */
  public List<Long> pids() {
    Exec.Result r = Exec.run("ip", "netns", "pids", name);
    if (!r.ok()) {
      return List.of();
    }
    return r.stdout()
        .lines()
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(Long::parseLong)
        .toList();
  }

  /**
   * Kills every process left in the namespace, waits for them to go, deletes the namespace; does
   * nothing for a namespace this handle does not own ({@link #existing}).
   */
  @Override
  public void close() {
    if (closed || !owned) {
      return;
    }
    closed = true;
    List<Long> pids = pids();
    long self = ProcessHandle.current().pid();
    for (long pid : pids) {
      if (pid != self) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    if (pids.stream().anyMatch(p -> p != self)) {
      Poll.until(
          KILL_TIMEOUT,
          "processes in " + name + " to exit",
          () -> pids().stream().allMatch(p -> p == self),
          () -> pids().toString());
    }
    Exec.run("ip", "netns", "del", name).check();
  }

  @Override
  public String toString() {
    return name;
  }
}
