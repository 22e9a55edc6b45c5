package dev.tapwire.cli.demo;

import dev.tapwire.cli.UserFacingException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts the demo's processes inside the topology's namespaces and remembers every one, so that all
 * of them can be stopped whatever happens: independent tcpdump captures and Tapwire's agent and
 * collector, each in a JVM of its own started from this one's class path.
 */
final class DemoLaunch {
  static final int AGENT_METRICS_PORT = 9461;
  static final int COLLECTOR_METRICS_PORT = 9460;
  private static final Duration TCPDUMP_START_TIMEOUT = Duration.ofSeconds(15);

  private final Path logs;
  private final List<DemoProcess> started = new ArrayList<>();

  DemoLaunch(Path logs) {
    this.logs = logs;
  }

  /**
   * {@code tcpdump -w FILE} on {@code iface} in {@code ns} ({@code -Q in} when {@code
   * inboundOnly}), returned once it is listening.
   */
  DemoProcess tcpdump(String name, String ns, String iface, Path file, boolean inboundOnly)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "tcpdump",
                "-i",
                iface,
                "-w",
                file.toString(),
                "-U",
                "--immediate-mode",
                "-n",
                "-B",
                "65536",
                "--time-stamp-precision",
                "nano"));
    if (inboundOnly) {
      command.addAll(List.of("-Q", "in"));
    }
    DemoProcess p = remember(DemoProcess.start(name, ns, command, logs.resolve(name + ".log")));
    long deadline = System.nanoTime() + TCPDUMP_START_TIMEOUT.toNanos();
    while (!p.log().contains("listening on")) {
      if (!p.isAlive() || System.nanoTime() - deadline > 0) {
        throw new UserFacingException(name + " did not start: " + p.logTail(5));
      }
      LockSupport.parkNanos(20_000_000L);
    }
    return p;
  }

  /** {@code tapwire ARGS...} in {@code ns}, in a JVM of its own. */
  DemoProcess tapwire(String name, String ns, List<String> args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                javaExecutable(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tapwire.cli.TapwireCli"));
    command.addAll(args);
    return remember(DemoProcess.start(name, ns, command, logs.resolve(name + ".log")));
  }

  /** Stops every process started, the last first. */
  void stopAll(Duration timeoutEach) {
    List<DemoProcess> all;
    synchronized (this) {
      all = new ArrayList<>(started);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).stop(timeoutEach);
    }
  }

  /** The collector: pcapng files, the mirror NIC, the sources allowed, metrics on loopback. */
  static List<String> collectorArgs(
      Topology topology, List<DemoSource> sources, Path filesDir, long mirrorSpeedMbps) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "collector",
                "-w",
                filesDir.toString(),
                "--mirror-nic",
                topology.get("collector.mirror_if"),
                "--metrics-address",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(COLLECTOR_METRICS_PORT),
                "--queue-frames",
                "8192",
                // The demo shows the data path under each agent's own settings; the control
                // plane would hand the agents new session ids mid-run.
                "--grpc-port",
                "0"));
    for (DemoSource s : sources) {
      args.addAll(List.of("--allow", s.exportAddress() + "/32"));
    }
    if (mirrorSpeedMbps > 0) {
      args.addAll(List.of("--mirror-speed-mbps", Long.toString(mirrorSpeedMbps)));
    }
    return args;
  }

  /**
   * An agent: captures the source's captured interface (promiscuous, the default) and exports
   * ERSPAN III through the export link, whose MTU of 9000 fits every frame whole.
   */
  static List<String> agentArgs(DemoSource s) {
    return List.of(
        "agent",
        "-i",
        s.captureIf(),
        "--collector",
        s.collectorAddress(),
        "--encap",
        "erspan3",
        "--path-mtu",
        "9000",
        "--metrics-address",
        "127.0.0.1",
        "--metrics-port",
        Integer.toString(AGENT_METRICS_PORT),
        "--queue-frames",
        "4096",
        "--no-control");
  }

  private synchronized DemoProcess remember(DemoProcess p) {
    started.add(p);
    return p;
  }

  private static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
