package dev.tapwire.cli.demo;

import dev.tapwire.cli.UserFacingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of the demo: topology, independent captures, collector and agents, traffic with live
 * progress, settling, stopping, checking, summary; and, whatever happens (Ctrl-C included), removal
 * of every process and namespace it created.
 */
final class DemoRun {
  static final int AGENT_METRICS_PORT = 9461;
  static final int COLLECTOR_METRICS_PORT = 9460;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);
  private static final long PROGRESS_INTERVAL_NS = 1_000_000_000L;
  private static final Pattern TCPDUMP_DROPS = Pattern.compile("(\\d+) packets? dropped by kernel");

  private final DemoSettings settings;
  private final PrintWriter out;
  private final Path logs;
  private final MetricsClient metrics = new MetricsClient(Duration.ofSeconds(2));
  private final List<DemoProcess> processes = new ArrayList<>();
  private final AtomicBoolean cleanupStarted = new AtomicBoolean();
  private final CountDownLatch cleanupDone = new CountDownLatch(1);
  private volatile boolean interrupted;
  private volatile Process traffic;
  private List<DemoSource> sources = List.of();
  private Topology topology;
  private DemoProcess collector;
  private final Map<String, DemoProcess> agents = new LinkedHashMap<>();
  private final Map<String, DemoProcess> sourceCaptures = new LinkedHashMap<>();
  private DemoProcess idsCapture;

  DemoRun(DemoSettings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
    this.logs = settings.outputDir().resolve("logs");
  }

  /** Runs the demo; 0 when the check passes, 1 when it fails. */
  int run() throws Exception {
    Files.createDirectories(logs);
    Thread hook = new Thread(this::cleanupFromHook, "tapwire-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runSteps();
    } finally {
      cleanup();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
  }

  private int runSteps() throws Exception {
    Path dir = settings.outputDir();
    say(
        "building the topology (%s: namespaces %s-{h1,sw1,h2,sw2,collector,ids}); output in %s",
        settings.scripts().dir().resolve("up.sh"), settings.prefix(), dir);
    topology = settings.scripts().up(settings.prefix(), logs.resolve("topology.log"));
    sources = DemoSource.of(topology);

    for (DemoSource s : sources) {
      sourceCaptures.put(
          s.name(),
          startTcpdump(
              "tcpdump-" + s.name(),
              s.ns(),
              s.captureIf(),
              dir.resolve("source-" + s.name() + ".pcap"),
              false));
    }
    idsCapture =
        startTcpdump(
            "tcpdump-ids",
            topology.ns("ids"),
            topology.get("ids.if"),
            dir.resolve("ids.pcap"),
            true);
    say(
        "independent captures: tcpdump on %s and on the IDS host",
        String.join(", ", sources.stream().map(s -> s.name() + " " + s.captureIf()).toList()));

    collector =
        startJava("collector", topology.ns("collector"), collectorArgs(dir.resolve("collector")));
    for (DemoSource s : sources) {
      agents.put(s.name(), startJava("agent-" + s.name(), s.ns(), agentArgs(s)));
    }
    say(
        "starting the collector (mirror NIC %s towards ids, pcapng in %s) and one agent per switch"
            + " host (ERSPAN III from %s)",
        topology.get("collector.mirror_if"),
        dir.resolve("collector"),
        String.join(", ", sources.stream().map(s -> s.exportAddress()).toList()));
    awaitReady();

    say(
        "traffic for %d s (%s); progress from the agents' and the collector's /metrics:",
        settings.durationSeconds(), settings.scripts().dir().resolve("traffic.sh"));
    long startNs = System.nanoTime();
    traffic =
        settings
            .scripts()
            .startTraffic(
                settings.prefix(), settings.durationSeconds(), logs.resolve("traffic.log"));
    DemoSnapshot last = null;
    long nextNs = System.nanoTime();
    while (traffic.isAlive()) {
      if (System.nanoTime() - nextNs >= 0) {
        DemoSnapshot now = snapshot();
        say("%s", DemoReport.progress((System.nanoTime() - startNs) / 1_000_000_000L, now, last));
        last = now;
        nextNs += PROGRESS_INTERVAL_NS;
        checkAlive();
      }
      traffic.waitFor(50, TimeUnit.MILLISECONDS);
    }
    int trafficExit = traffic.exitValue();

    Settled settled = settle(startNs, last);
    say("stopping agents, collector and captures");
    for (DemoProcess p : agents.values()) {
      p.stop(STOP_TIMEOUT);
    }
    collector.stop(STOP_TIMEOUT);
    for (DemoProcess p : sourceCaptures.values()) {
      p.stop(STOP_TIMEOUT);
    }
    idsCapture.stop(STOP_TIMEOUT);

    return verify(settled.snapshot(), settled.balanced(), trafficExit);
  }

  private record Settled(DemoSnapshot snapshot, boolean balanced) {}

  /** Waits until the books balance and the counters stop moving, showing progress meanwhile. */
  private Settled settle(long startNs, DemoSnapshot last) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    DemoSnapshot previous = null;
    long nextPrintNs = System.nanoTime() + PROGRESS_INTERVAL_NS;
    while (true) {
      checkNotInterrupted();
      DemoSnapshot now = snapshot();
      if (previous != null && now.balanced() && now.fingerprint().equals(previous.fingerprint())) {
        say("%s", DemoReport.progress((System.nanoTime() - startNs) / 1_000_000_000L, now, last));
        return new Settled(now, true);
      }
      if (System.nanoTime() - deadline > 0) {
        return new Settled(now, false);
      }
      if (System.nanoTime() - nextPrintNs >= 0) {
        say("%s", DemoReport.progress((System.nanoTime() - startNs) / 1_000_000_000L, now, last));
        last = now;
        nextPrintNs += PROGRESS_INTERVAL_NS;
      }
      previous = now;
      LockSupport.parkNanos(250_000_000L);
    }
  }

  private int verify(DemoSnapshot s, boolean settled, int trafficExit) throws IOException {
    checkNotInterrupted();
    Path dir = settings.outputDir();
    Map<String, List<FrameDigests.Frame>> sourceFrames = new LinkedHashMap<>();
    for (DemoSource src : sources) {
      sourceFrames.put(
          src.name(), FrameDigests.read(dir.resolve("source-" + src.name() + ".pcap")));
    }
    List<FrameDigests.Frame> idsFrames = FrameDigests.read(dir.resolve("ids.pcap"));
    List<FrameDigests.Frame> fileFrames = new ArrayList<>();
    List<Path> files = collectorFiles(dir.resolve("collector"));
    for (Path f : files) {
      fileFrames.addAll(FrameDigests.read(f));
    }
    Map<String, Long> fileFramesBySource = new LinkedHashMap<>();
    for (DemoSource src : sources) {
      fileFramesBySource.put(
          src.name(), fileFrames.stream().filter(f -> src.ownsStream(f.interfaceName())).count());
    }
    CaptureComparison ids = new CaptureComparison(sourceFrames).match(idsFrames);
    CaptureComparison filesCmp = new CaptureComparison(sourceFrames).match(fileFrames);

    out.println();
    out.print(
        DemoReport.summary(
            s,
            new DemoReport.Delivered(
                ids, idsFrames.size(), filesCmp, fileFrames.size(), fileFramesBySource)));
    out.println("files: " + String.join(", ", files.stream().map(Path::toString).toList()));
    out.println(
        "IDS capture: "
            + dir.resolve("ids.pcap")
            + "; source captures: "
            + String.join(
                ", ",
                sources.stream()
                    .map(src -> dir.resolve("source-" + src.name() + ".pcap").toString())
                    .toList())
            + "; logs: "
            + logs);

    List<String> failures = new ArrayList<>();
    if (trafficExit != 0) {
      failures.add(
          "traffic.sh exited with " + trafficExit + " (see " + logs.resolve("traffic.log") + ")");
    }
    if (!settled) {
      failures.addAll(unbalanced(s));
    }
    if (idsFrames.isEmpty()) {
      failures.add("no frame reached the IDS host");
    }
    if (ids.unmatched() > 0) {
      failures.add(ids.unmatched() + " frames at the IDS host match no frame captured at a source");
    }
    if (idsFrames.size() != s.delivered(DemoSnapshot.MIRROR_SINK)) {
      failures.add(
          "the IDS host captured "
              + idsFrames.size()
              + " frames, the collector delivered "
              + s.delivered(DemoSnapshot.MIRROR_SINK)
              + " to the mirror NIC");
    }
    if (filesCmp.unmatched() > 0) {
      failures.add(
          filesCmp.unmatched() + " frames in the files match no frame captured at a source");
    }
    if (fileFrames.size() != s.delivered(DemoSnapshot.FILE_SINK)) {
      failures.add(
          "the files hold "
              + fileFrames.size()
              + " frames, the collector delivered "
              + s.delivered(DemoSnapshot.FILE_SINK));
    }
    for (Map.Entry<String, DemoProcess> e : allCaptures().entrySet()) {
      long drops = tcpdumpDrops(e.getValue());
      if (drops != 0) {
        failures.add(
            "tcpdump on "
                + e.getKey()
                + " reports "
                + drops
                + " frames dropped by the kernel: the comparison is incomplete");
      }
    }
    out.println(DemoReport.check(failures, idsFrames.size(), sources));
    out.flush();
    return failures.isEmpty() ? 0 : 1;
  }

  private List<String> unbalanced(DemoSnapshot s) {
    List<String> failures = new ArrayList<>();
    for (DemoSource src : s.sources()) {
      if (!s.agentBalanced(src)) {
        failures.add(
            "agent "
                + src.name()
                + ": captured "
                + s.captured(src)
                + " != sent "
                + s.sent(src)
                + " + dropped "
                + s.agentDropTotal(src)
                + " (queued "
                + s.agentQueued(src)
                + ")");
      }
      if (!s.networkBalanced(src)) {
        failures.add(
            src.name()
                + ": sent "
                + s.sent(src)
                + " != received "
                + s.received(src)
                + " + lost "
                + s.lost(src));
      }
    }
    for (String sink : List.of(DemoSnapshot.FILE_SINK, DemoSnapshot.MIRROR_SINK)) {
      if (!s.collectorBalanced(sink)) {
        failures.add(
            "collector "
                + sink
                + ": decoded "
                + s.decoded()
                + " != delivered "
                + s.delivered(sink)
                + " + dropped "
                + s.droppedBefore(sink)
                + " (queued "
                + s.collectorQueued()
                + ")");
      }
    }
    if (failures.isEmpty()) {
      failures.add("the counters did not settle within " + SETTLE_TIMEOUT.toSeconds() + " s");
    }
    return failures;
  }

  private Map<String, DemoProcess> allCaptures() {
    Map<String, DemoProcess> all = new LinkedHashMap<>(sourceCaptures);
    all.put("ids", idsCapture);
    return all;
  }

  private static long tcpdumpDrops(DemoProcess p) {
    Matcher m = TCPDUMP_DROPS.matcher(p.log());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static List<Path> collectorFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".pcapng")).sorted().toList();
    }
  }

  private DemoSnapshot snapshot() {
    Map<String, MetricsSnapshot> agentMetrics = new LinkedHashMap<>();
    for (DemoSource s : sources) {
      agentMetrics.put(
          s.name(), MetricsSnapshot.parse(metrics.metricsOrNull(s.ns(), AGENT_METRICS_PORT)));
    }
    MetricsSnapshot collectorMetrics =
        MetricsSnapshot.parse(
            metrics.metricsOrNull(topology.ns("collector"), COLLECTOR_METRICS_PORT));
    return new DemoSnapshot(System.nanoTime(), sources, agentMetrics, collectorMetrics);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      checkAlive();
      boolean ready = metrics.ready(topology.ns("collector"), COLLECTOR_METRICS_PORT);
      for (DemoSource s : sources) {
        ready &= metrics.ready(s.ns(), AGENT_METRICS_PORT);
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new UserFacingException(
            "agents and collector not ready within "
                + READY_TIMEOUT.toSeconds()
                + " s (logs in "
                + logs
                + ")");
      }
      LockSupport.parkNanos(100_000_000L);
    }
  }

  private void checkAlive() {
    checkNotInterrupted();
    List<DemoProcess> all = new ArrayList<>(agents.values());
    all.add(collector);
    for (DemoProcess p : all) {
      if (!p.isAlive()) {
        throw new UserFacingException(
            p.name() + " exited with " + p.exitValue() + ":\n" + p.logTail(10));
      }
    }
  }

  private void checkNotInterrupted() {
    if (interrupted) {
      throw new UserFacingException("interrupted");
    }
  }

  private List<String> collectorArgs(Path filesDir) {
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
                "8192"));
    for (DemoSource s : sources) {
      args.addAll(List.of("--allow", s.exportAddress() + "/32"));
    }
    if (settings.mirrorSpeedMbps() > 0) {
      args.addAll(List.of("--mirror-speed-mbps", Long.toString(settings.mirrorSpeedMbps())));
    }
    return args;
  }

  private static List<String> agentArgs(DemoSource s) {
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
        "4096");
  }

  private DemoProcess startJava(String name, String ns, List<String> tapwireArgs)
      throws IOException {
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
    command.addAll(tapwireArgs);
    return started(DemoProcess.start(name, ns, command, logs.resolve(name + ".log")));
  }

  private DemoProcess startTcpdump(
      String name, String ns, String iface, Path file, boolean inboundOnly) throws IOException {
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
    DemoProcess p = started(DemoProcess.start(name, ns, command, logs.resolve(name + ".log")));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!p.log().contains("listening on")) {
      if (!p.isAlive() || System.nanoTime() - deadline > 0) {
        throw new UserFacingException(name + " did not start: " + p.logTail(5));
      }
      LockSupport.parkNanos(20_000_000L);
    }
    return p;
  }

  private synchronized DemoProcess started(DemoProcess p) {
    processes.add(p);
    return p;
  }

  private static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private void say(String format, Object... args) {
    out.println(String.format(java.util.Locale.ROOT, format, args));
    out.flush();
  }

  /** The JVM is stopping (Ctrl-C, SIGTERM): clean up, and make the run stop reporting. */
  private void cleanupFromHook() {
    interrupted = true;
    if (cleanupStarted.get()) {
      try {
        cleanupDone.await(CLEANUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    cleanup();
  }

  /** Stops every process this run started and removes the topology; runs once. */
  private void cleanup() {
    if (!cleanupStarted.compareAndSet(false, true)) {
      return;
    }
    try {
      if (interrupted) {
        out.println("tapwire demo: interrupted; stopping everything and removing the topology");
        out.flush();
      }
      Process t = traffic;
      if (t != null && t.isAlive()) {
        t.destroy();
      }
      List<DemoProcess> started;
      synchronized (this) {
        started = new ArrayList<>(processes);
      }
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).stop(Duration.ofSeconds(5));
      }
      if (!settings.scripts().down(settings.prefix(), logs.resolve("topology.log"))) {
        out.println(
            "tapwire demo: removing the topology failed; run "
                + settings.scripts().dir().resolve("down.sh")
                + " "
                + settings.prefix());
      } else {
        out.println("removed the topology " + settings.prefix() + " and every process in it");
      }
      out.flush();
    } finally {
      cleanupDone.countDown();
    }
  }
}
