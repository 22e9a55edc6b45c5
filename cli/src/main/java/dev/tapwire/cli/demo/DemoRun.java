package dev.tapwire.cli.demo;

import dev.tapwire.cli.UserFacingException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of the demo, step by step: topology, independent captures, collector and agents, traffic
 * with a progress line a second, settling, stopping, verification; and, whatever happens (Ctrl-C
 * included, through a shutdown hook), removal of every process and namespace it created.
 */
final class DemoRun {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);
  private static final long PROGRESS_INTERVAL_NS = 1_000_000_000L;
  private static final long SETTLE_POLL_NS = 250_000_000L;

  private final DemoSettings settings;
  private final PrintWriter out;
  private final Path logs;
  private final DemoLaunch launch;
  private final MetricsClient metrics = new MetricsClient(Duration.ofSeconds(2));
  private final AtomicBoolean cleanupStarted = new AtomicBoolean();
  private final CountDownLatch cleanupDone = new CountDownLatch(1);
  private volatile boolean interrupted;
  private volatile Process traffic;
  private Topology topology;
  private List<DemoSource> sources = List.of();
  private final List<DemoProcess> tapwire = new ArrayList<>();
  private long startNs;

  DemoRun(DemoSettings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
    this.logs = settings.outputDir().resolve("logs");
    this.launch = new DemoLaunch(logs);
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
    say(
        "building the topology (%s: namespaces %s-{h1,sw1,h2,sw2,collector,ids}); output in %s",
        settings.scripts().dir().resolve("up.sh"), settings.prefix(), settings.outputDir());
    topology = settings.scripts().up(settings.prefix(), logs.resolve("topology.log"));
    sources = DemoSource.of(topology);
    DemoVerification verification = new DemoVerification(settings.outputDir(), logs, sources);

    Map<String, DemoProcess> captures = new LinkedHashMap<>();
    for (DemoSource s : sources) {
      captures.put(
          s.name(),
          launch.tcpdump(
              "tcpdump-" + s.name(), s.ns(), s.captureIf(), verification.sourceCapture(s), false));
    }
    captures.put(
        "ids",
        launch.tcpdump(
            "tcpdump-ids",
            topology.ns("ids"),
            topology.get("ids.if"),
            verification.idsCapture(),
            true));
    say(
        "independent captures: tcpdump on %s and on the IDS host",
        String.join(", ", sources.stream().map(s -> s.name() + " " + s.captureIf()).toList()));

    tapwire.add(
        launch.tapwire(
            "collector",
            topology.ns("collector"),
            DemoLaunch.collectorArgs(
                topology, sources, verification.collectorDir(), settings.mirrorSpeedMbps())));
    for (DemoSource s : sources) {
      tapwire.add(launch.tapwire("agent-" + s.name(), s.ns(), DemoLaunch.agentArgs(s)));
    }
    say(
        "starting the collector (mirror NIC %s towards ids, pcapng in %s) and one agent per switch"
            + " host (ERSPAN III from %s)",
        topology.get("collector.mirror_if"),
        verification.collectorDir(),
        String.join(", ", sources.stream().map(DemoSource::exportAddress).toList()));
    awaitReady();

    say(
        "traffic for %d s (%s); progress from the agents' and the collector's /metrics:",
        settings.durationSeconds(), settings.scripts().dir().resolve("traffic.sh"));
    startNs = System.nanoTime();
    traffic =
        settings
            .scripts()
            .startTraffic(
                settings.prefix(), settings.durationSeconds(), logs.resolve("traffic.log"));
    DemoSnapshot last = null;
    long nextNs = System.nanoTime();
    while (traffic.isAlive()) {
      if (System.nanoTime() - nextNs >= 0) {
        last = showProgress(snapshot(), last);
        nextNs += PROGRESS_INTERVAL_NS;
        checkAlive();
      }
      traffic.waitFor(50, TimeUnit.MILLISECONDS);
    }
    int trafficExit = traffic.exitValue();

    DemoVerification.Outcome outcome = settle(last, trafficExit, captures);
    say("stopping agents, collector and captures");
    for (DemoProcess p : tapwire.reversed()) {
      p.stop(STOP_TIMEOUT);
    }
    for (DemoProcess p : captures.values()) {
      p.stop(STOP_TIMEOUT);
    }
    checkNotInterrupted();
    return verification.verify(outcome, out).isEmpty() ? 0 : 1;
  }

  /** Waits until the books balance and the counters stop moving, showing progress meanwhile. */
  private DemoVerification.Outcome settle(
      DemoSnapshot last, int trafficExit, Map<String, DemoProcess> captures) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    long nextPrintNs = System.nanoTime() + PROGRESS_INTERVAL_NS;
    DemoSnapshot previous = null;
    while (true) {
      checkNotInterrupted();
      DemoSnapshot now = snapshot();
      boolean settled =
          previous != null && now.balanced() && now.fingerprint().equals(previous.fingerprint());
      if (settled || System.nanoTime() - deadline > 0) {
        showProgress(now, last);
        return new DemoVerification.Outcome(now, settled, trafficExit, captures);
      }
      if (System.nanoTime() - nextPrintNs >= 0) {
        last = showProgress(now, last);
        nextPrintNs += PROGRESS_INTERVAL_NS;
      }
      previous = now;
      LockSupport.parkNanos(SETTLE_POLL_NS);
    }
  }

  private DemoSnapshot showProgress(DemoSnapshot now, DemoSnapshot last) {
    say("%s", DemoReport.progress((System.nanoTime() - startNs) / 1_000_000_000L, now, last));
    return now;
  }

  private DemoSnapshot snapshot() {
    Map<String, MetricsSnapshot> agentMetrics = new LinkedHashMap<>();
    for (DemoSource s : sources) {
      agentMetrics.put(
          s.name(),
          MetricsSnapshot.parse(metrics.metricsOrNull(s.ns(), DemoLaunch.AGENT_METRICS_PORT)));
    }
    MetricsSnapshot collectorMetrics =
        MetricsSnapshot.parse(
            metrics.metricsOrNull(topology.ns("collector"), DemoLaunch.COLLECTOR_METRICS_PORT));
    return new DemoSnapshot(System.nanoTime(), sources, agentMetrics, collectorMetrics);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      checkAlive();
      boolean ready = metrics.ready(topology.ns("collector"), DemoLaunch.COLLECTOR_METRICS_PORT);
      for (DemoSource s : sources) {
        ready &= metrics.ready(s.ns(), DemoLaunch.AGENT_METRICS_PORT);
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

  /** Fails the run, with the process's last words, if an agent or the collector has exited. */
  private void checkAlive() {
    checkNotInterrupted();
    for (DemoProcess p : tapwire) {
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

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
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
      launch.stopAll(Duration.ofSeconds(5));
      if (settings.scripts().down(settings.prefix(), logs.resolve("topology.log"))) {
        out.println("removed the topology " + settings.prefix() + " and every process in it");
      } else {
        out.println(
            "tapwire demo: removing the topology failed; run "
                + settings.scripts().dir().resolve("down.sh")
                + " "
                + settings.prefix());
      }
      out.flush();
    } finally {
      cleanupDone.countDown();
    }
  }
}
