package dev.tapwire.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole path in four namespaces: a generator sends frames at a steady rate (trafgen, paced by
 * tbf) onto a link the agent captures; the agent exports ERSPAN III over an export link to the
 * collector; the collector writes files and re-emits on a mirror NIC whose far end is an IDS
 * namespace. Processes run from the built jar; everything is deleted on {@link #close}.
 */
final class Lab implements AutoCloseable {
  static final String AGENT_ADDRESS = "198.18.40.1";
  static final String COLLECTOR_ADDRESS = "198.18.40.2";
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  final Path dir;
  final Netns gen;
  final Netns agentNs;
  final Netns collectorNs;
  final Netns ids;
  final VethPair captured;
  final VethPair export;
  final VethPair mirror;
  private final List<TapwireProcess> processes = new ArrayList<>();
  private Process trafgen;

  private Lab(Path dir) {
    this.dir = dir;
    List<AutoCloseable> made = new ArrayList<>();
    try {
      gen = add(made, Netns.create());
      agentNs = add(made, Netns.create());
      collectorNs = add(made, Netns.create());
      ids = add(made, Netns.create());
      captured = add(made, VethPair.between(gen, agentNs).silent().create());
      export =
          add(
              made,
              VethPair.between(agentNs, collectorNs)
                  .addresses(AGENT_ADDRESS + "/24", COLLECTOR_ADDRESS + "/24")
                  .mtu(9000)
                  .create());
      mirror = add(made, VethPair.between(collectorNs, ids).silent().create());
    } catch (RuntimeException e) {
      closeAll(made);
      throw e;
    }
  }

  static Lab create(Path dir) {
    for (String tool : List.of("ip", "tc", "trafgen", "tcpdump", "tshark", "capinfos")) {
      ExternalTool.require(tool);
    }
    return new Lab(dir);
  }

  /** The collector: ERSPAN from the agent only, metrics on loopback, plus {@code extra}. */
  TapwireProcess startCollector(String name, List<String> prefix, List<String> extra)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "collector",
                "--allow",
                AGENT_ADDRESS + "/32",
                "--metrics-address",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(Scrape.COLLECTOR_PORT)));
    args.addAll(extra);
    return start(name, collectorNs, prefix, args, Scrape.COLLECTOR_PORT);
  }

  /** The collector writing {@code files} and re-emitting on the mirror NIC. */
  TapwireProcess startCollector(String name, Path files, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("-w", files.toString(), "--mirror-nic", mirror.nameA()));
    args.addAll(List.of(extra));
    return startCollector(name, List.of(), args);
  }

  /** The agent capturing the generator's link and exporting ERSPAN III to the collector. */
  TapwireProcess startAgent(String name, List<String> prefix, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "-i",
                captured.nameB(),
                "--collector",
                COLLECTOR_ADDRESS,
                "--encap",
                "erspan3",
                "--path-mtu",
                "9000",
                "--metrics-address",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(Scrape.AGENT_PORT)));
    args.addAll(List.of(extra));
    return start(name, agentNs, prefix, args, Scrape.AGENT_PORT);
  }

  TapwireProcess startAgent(String name) throws IOException {
    return startAgent(name, List.of());
  }

  /** Starts a process and returns it once its /readyz answers. */
  TapwireProcess start(String name, Netns ns, List<String> prefix, List<String> args, int port)
      throws IOException {
    TapwireProcess p = launch(name, ns, prefix, args);
    Poll.until(
        READY_TIMEOUT,
        name + " /readyz",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError(name + " exited:\n" + p.logTail(20));
          }
          return Scrape.ready(ns, port);
        });
    return p;
  }

  /** Starts a process without waiting for it (it may be expected to fail). */
  TapwireProcess launch(String name, Netns ns, List<String> prefix, List<String> args)
      throws IOException {
    TapwireProcess p = TapwireProcess.start(name, ns, prefix, args, dir.resolve(name + ".log"));
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /**
   * trafgen sends {@code frameBytes}-byte IPv4/UDP frames at {@code framesPerSecond} for about
   * {@code seconds}, paced smoothly by a tbf qdisc on its link (trafgen's own rate control sends a
   * second's quota back to back); returns at once.
   */
  void startTraffic(int framesPerSecond, int frameBytes, long seconds) throws IOException {
    if (frameBytes < 60) {
      throw new IllegalArgumentException("frames of at least 60 bytes: " + frameBytes);
    }
    Path conf = dir.resolve("trafgen.cfg");
    // Ethernet (locally administered MACs), IPv4 198.18.41.1 -> 198.18.41.2 UDP 9 (discard),
    // filler. The IPv4 checksum is computed by trafgen; lengths cover the frame.
    int ipBytes = frameBytes - 14;
    Files.writeString(
        conf,
        "{ 0x02,0x00,0x00,0x00,0x00,0x02, 0x02,0x00,0x00,0x00,0x00,0x01, 0x08,0x00,"
            + " 0x45,0x00, c16("
            + ipBytes
            + "), 0x00,0x01, 0x40,0x00, 0x40, 0x11, csumip(14, 33),"
            + " 198,18,41,1, 198,18,41,2, 0x30,0x39, 0x00,0x09, c16("
            + (ipBytes - 20)
            + "), 0x00,0x00, fill(0x5a, "
            + (frameBytes - 42)
            + ") }\n");
    long bits = (long) framesPerSecond * frameBytes * 8;
    gen.exec("tc", "qdisc", "del", "dev", captured.nameA(), "root");
    gen.execChecked(
        "tc",
        "qdisc",
        "add",
        "dev",
        captured.nameA(),
        "root",
        "tbf",
        "rate",
        bits + "bit",
        "burst",
        Integer.toString(64 * frameBytes),
        "limit",
        Integer.toString(1 << 22));
    // The qdisc path (-q) with blocking sends (trafgen's rate path with a rate it never reaches):
    // tbf does the pacing, as in bench/run.sh.
    trafgen =
        new ProcessBuilder(
                gen.execCommand(
                    "trafgen",
                    "-P",
                    "1",
                    "-Q",
                    "-C",
                    "--no-sock-mem",
                    "-q",
                    "-b",
                    "5000000pps",
                    "-o",
                    captured.nameA(),
                    "-i",
                    conf.toString(),
                    "-n",
                    Long.toString(framesPerSecond * seconds)))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("trafgen.log").toFile())
            .start();
  }

  /** Stops the generator (if still sending) and waits for it. */
  void stopTraffic() throws InterruptedException {
    if (trafgen != null) {
      // trafgen forks one sender per CPU (-P 1: one); the parent does not pass SIGTERM on.
      trafgen.descendants().forEach(ProcessHandle::destroy);
      trafgen.destroy();
      if (!trafgen.waitFor(20, TimeUnit.SECONDS)) {
        trafgen.destroyForcibly();
        trafgen.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /** Frames that left the generator's link end (its tx counter). */
  long generated() {
    return Long.parseLong(
        gen.execChecked("cat", "/sys/class/net/" + captured.nameA() + "/statistics/tx_packets")
            .strip());
  }

  /**
   * Waits until the collector's counters (and the agent's, when running) stop moving: two scrapes
   * in a row agree, every sink has delivered or dropped every decoded frame, and the agent has sent
   * or dropped every frame it captured. Returns the last collector scrape.
   */
  Scrape settleCollector(boolean agentRunning) {
    Scrape[] last = new Scrape[1];
    Scrape[] settled = new Scrape[1];
    Poll.until(
        Duration.ofSeconds(60),
        "the counters to settle",
        () -> {
          Scrape now = Scrape.of(collectorNs, Scrape.COLLECTOR_PORT);
          if (agentRunning) {
            Scrape a = Scrape.of(agentNs, Scrape.AGENT_PORT);
            if (a.captured() != a.sent() + a.agentDropped()) {
              return false;
            }
          }
          Scrape previous = last[0];
          last[0] = now;
          // Balanced too: a file sink may hold staged frames for its flush interval.
          if (previous != null && previous.lines().equals(now.lines()) && now.sinksBalanced()) {
            settled[0] = now;
            return true;
          }
          return false;
        },
        () ->
            (last[0] == null ? "no scrape" : String.join("\n", last[0].lines()))
                + (agentRunning
                    ? "\nagent:\n"
                        + String.join("\n", Scrape.of(agentNs, Scrape.AGENT_PORT).lines())
                    : ""));
    return settled[0];
  }

  /** Frames the IDS end of the mirror link received (its rx counter). */
  long idsReceived() {
    return Long.parseLong(
        ids.execChecked("cat", "/sys/class/net/" + mirror.nameB() + "/statistics/rx_packets")
            .strip());
  }

  /**
   * Stops the IDS capture and checks that the IDS end of the mirror link received exactly {@code
   * expected} frames, each one captured by tcpdump or counted as dropped by its kernel buffer (on a
   * loaded machine the oracle can fall behind); returns the number tcpdump captured.
   */
  long checkIds(TcpdumpCapture ids, long expected) {
    TcpdumpCapture.Stats stats = ids.stop();
    assertThat(idsReceived()).as("frames received at the IDS").isEqualTo(expected);
    assertThat(stats.captured() + stats.droppedByKernel())
        .as("frames tcpdump captured or dropped at the IDS")
        .isEqualTo(expected);
    return stats.captured();
  }

  /** Takes the collector's end of the export link down or up: a partition the agent cannot see. */
  void exportLink(boolean up) {
    collectorNs.ip("link", "set", "dev", export.nameB(), up ? "up" : "down");
  }

  @Override
  public void close() {
    try {
      stopTraffic();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<TapwireProcess> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).stop(Duration.ofSeconds(10));
    }
    closeAll(List.of(gen, agentNs, collectorNs, ids, captured, export, mirror));
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> made, T t) {
    made.add(t);
    return t;
  }

  private static void closeAll(List<AutoCloseable> things) {
    RuntimeException failure = null;
    for (int i = things.size() - 1; i >= 0; i--) {
      try {
        things.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cleanup failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
