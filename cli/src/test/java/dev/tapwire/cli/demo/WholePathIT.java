package dev.tapwire.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path, agents to collector to files, on the demo topology ({@code deploy/topology}): the
 * merged pcapng is in capture-time order across agents, the agents put nothing of their own on the
 * links they capture, and a collector killed mid-run costs counted frames, not the agents, while
 * every file it wrote stays readable and a restarted collector resumes in a new file.
 */
class WholePathIT {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final long TRAFFIC_SECONDS = 3;
  private static final long QUIET_NS = TimeUnit.MILLISECONDS.toNanos(300);
  private static final String LATE = "tapwire_collector_frames_late_total";
  private static final String DECODED = "tapwire_collector_frames_decoded_total";
  private static final String AGENT_CAPTURED = "tapwire_agent_frames_captured_total";
  private static final String AGENT_DROPPED = "tapwire_agent_frames_dropped_total";

  @TempDir static Path classDir;

  private static TopologyScripts scripts;
  private static String prefix;
  private static Topology topology;
  private static List<DemoSource> sources;

  private final MetricsClient metrics = new MetricsClient(Duration.ofSeconds(2));
  private Path runDir;
  private DemoLaunch launch;

  @BeforeAll
  static void buildTopology() throws IOException {
    RootRequirement.check();
    for (String tool :
        List.of("ip", "ethtool", "ping", "socat", "mausezahn", "tcpdump", "tshark")) {
      ExternalTool.require(tool);
    }
    scripts = new TopologyScripts(TopologyScriptsIT.scriptsDir());
    prefix = "tww-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt()).substring(2);
    try {
      topology = scripts.up(prefix, classDir.resolve("topology.log"));
    } catch (RuntimeException | IOException e) {
      scripts.down(prefix, classDir.resolve("topology.log"));
      throw e;
    }
    sources = DemoSource.of(topology);
  }

  @AfterAll
  static void removeTopology() {
    if (scripts != null && prefix != null) {
      assertThat(scripts.down(prefix, classDir.resolve("topology.log")))
          .as("down.sh %s", prefix)
          .isTrue();
    }
  }

  @BeforeEach
  void newRun(TestInfo info) throws IOException {
    runDir = classDir.resolve(info.getTestMethod().orElseThrow().getName());
    Files.createDirectories(runDir.resolve("logs"));
    launch = new DemoLaunch(runDir.resolve("logs"));
  }

  @AfterEach
  void stopProcesses() {
    launch.stopAll(Duration.ofSeconds(5));
  }

  @Test
  void mergedOutputIsInCaptureTimeOrderAcrossAgents() throws Exception {
    Path files = runDir.resolve("collector");
    DemoProcess collector = startCollector(files);
    startAgents();
    runTraffic(TRAFFIC_SECONDS);
    DemoSnapshot settled = settle();
    long late = collectorSum(LATE);
    assertThat(collector.stop(STOP_TIMEOUT)).as("collector stops on SIGTERM").isTrue();

    List<Path> pcapng = pcapngFiles(files);
    assertThat(pcapng).hasSize(1);
    List<Record> records = readRecords(pcapng.get(0));
    assertThat((long) records.size()).isEqualTo(settled.delivered(DemoSnapshot.FILE_SINK));
    assertThat(records.stream().map(Record::interfaceName).distinct().sorted())
        .containsExactly("198.18.11.1/erspan_iii-1", "198.18.12.1/erspan_iii-1");
    int switches = 0;
    for (int i = 1; i < records.size(); i++) {
      if (!records.get(i).interfaceName().equals(records.get(i - 1).interfaceName())) {
        switches++;
      }
    }
    assertThat(switches).as("frames of the two agents interleaved").isGreaterThan(2);

    // Both agents stamp frames with the same kernel clock and reach the collector within
    // microseconds, far below the 20 ms window, so normally nothing is late. A scheduling stall
    // longer than the window on this small machine can still make a frame late; with the default
    // late-policy (deliver) such a frame is written at once, behind a later one. So by design the
    // frames captured before a frame written earlier are exactly the late ones: equal counts.
    long outOfOrder = 0;
    long maxNs = Long.MIN_VALUE;
    for (Record r : records) {
      if (r.timestampNs() < maxNs) {
        outOfOrder++;
      }
      maxNs = Math.max(maxNs, r.timestampNs());
    }
    assertThat(outOfOrder).as("frames written behind a later-captured one").isEqualTo(late);
    if (late == 0) {
      assertThat(records).extracting(Record::timestampNs).isSortedAccordingTo(Long::compare);
    }
  }

  @Test
  void agentsTransmitNothingOntoCapturedLinks() throws Exception {
    Map<String, TcpdumpCapture> peers = new LinkedHashMap<>();
    try {
      for (String h : List.of("h1", "h2")) {
        peers.put(
            h,
            TcpdumpCapture.start(
                Netns.existing(topology.ns(h)),
                topology.get(h + ".if"),
                runDir.resolve(h + ".pcap"),
                null));
      }
      startCollector(runDir.resolve("collector"));
      startAgents();
      runTraffic(TRAFFIC_SECONDS);
      settle();
      for (TcpdumpCapture c : peers.values()) {
        assertThat(c.stop().droppedByKernel()).isZero();
      }
    } finally {
      peers.values().forEach(TcpdumpCapture::close);
    }
    for (String h : peers.keySet()) {
      Path pcap = runDir.resolve(h + ".pcap");
      // The capture works and saw the conversations of traffic.sh.
      for (String filter : List.of("arp", "tcp port 5000", "udp port 5001", "icmp6", "vlan")) {
        assertThat(TcpdumpCapture.countMatching(pcap, filter))
            .as("%s at %s", filter, h)
            .isPositive();
      }
      // Nothing of the export: no tunnel packet, no ICMP error about one, no export address.
      for (String filter :
          List.of(
              "ip proto 47",
              "ip6 proto 47",
              "udp port 4789 or udp port 4754",
              "net 198.18.11.0/24 or net 198.18.12.0/24",
              "net 2001:db8:11::/64 or net 2001:db8:12::/64",
              "icmp[icmptype] == icmp-unreach",
              "icmp6 and ip6[40] == 1")) {
        assertThat(TcpdumpCapture.countMatching(pcap, filter)).as("%s at %s", filter, h).isZero();
      }
      // Every frame is between the two ends of the link: nobody else transmitted on it.
      String i = h.substring(1);
      String hostMac = mac(topology.ns(h), topology.get(h + ".if"));
      String switchMac = mac(topology.ns("sw" + i), topology.get("sw" + i + ".capture_if"));
      assertThat(
              TcpdumpCapture.countMatching(
                  pcap, "not ether src " + hostMac + " and not ether src " + switchMac))
          .as("frames at %s from neither end of the link", h)
          .isZero();
    }
  }

  @Test
  void collectorRestartMidRun() throws Exception {
    Path files = runDir.resolve("collector");
    String collectorNs = topology.ns("collector");
    DemoProcess first = startCollector(files);
    List<DemoProcess> agents = startAgents();
    Process traffic = scripts.startTraffic(prefix, 20, runDir.resolve("logs/traffic.log"));
    try {
      Poll.until(
          Duration.ofSeconds(20),
          "frames of the first collector on disk",
          () -> pcapngFilesQuietly(files).stream().anyMatch(WholePathIT::hasFrames));
      Exec.check("kill", "-KILL", Long.toString(first.pid()));
      Poll.until(Duration.ofSeconds(10), "the collector to die", () -> !first.isAlive());
      List<Path> cutFiles = pcapngFiles(files);
      assertThat(cutFiles).hasSize(1);
      Path cut = cutFiles.get(0);
      String cutDigest = sha256(cut);

      // With no raw GRE socket open, the collector host answers tunnel packets with ICMP protocol
      // unreachable. On an unconnected raw socket that does not fail later sends, so the frames
      // leave into the void and are counted as sent (send_error only when the kernel refuses the
      // send): either way each one is in the agent's books, and capture goes on.
      Map<String, Long> capturedAtKill = agentSums(AGENT_CAPTURED, null);
      Map<String, Long> accountedAtKill = agentAccounted();
      Poll.until(
          Duration.ofSeconds(15),
          "both agents capturing and accounting for frames while the collector is gone",
          () -> {
            Map<String, Long> captured = agentSums(AGENT_CAPTURED, null);
            Map<String, Long> accounted = agentAccounted();
            return sources.stream()
                .allMatch(
                    s ->
                        captured.get(s.name()) > capturedAtKill.get(s.name())
                            && accounted.get(s.name()) > accountedAtKill.get(s.name()));
          },
          () -> agentSums(AGENT_CAPTURED, null) + " " + agentAccounted());
      for (DemoProcess a : agents) {
        assertThat(a.isAlive()).as("%s alive", a.name()).isTrue();
      }
      for (DemoSource s : sources) {
        assertThat(metrics.get(s.ns(), DemoLaunch.AGENT_METRICS_PORT, "/healthz").status())
            .as("%s /healthz", s.name())
            .isEqualTo(200);
      }

      DemoProcess second = startCollectorAgain(files);
      Poll.until(
          Duration.ofSeconds(20),
          "the restarted collector decoding frames in a new file",
          () -> collectorSum(DECODED) > 0 && pcapngFilesQuietly(files).size() == 2);
      assertThat(second.isAlive()).isTrue();
      assertThat(sha256(cut)).as("the file cut by kill -9 is left as it was").isEqualTo(cutDigest);
    } finally {
      traffic.destroy();
      traffic.waitFor(20, TimeUnit.SECONDS);
    }
    launch.stopAll(STOP_TIMEOUT);

    List<Path> all = pcapngFiles(files);
    assertThat(all).hasSize(2);
    for (Path f : all) {
      // Tshark fails the test on a non-zero exit or anything on standard error.
      assertThat(Tshark.field(f, "frame.interface_name"))
          .as("frames tshark reads in %s", f)
          .isNotEmpty();
    }
  }

  private DemoProcess startCollector(Path files) throws IOException {
    Files.createDirectories(files);
    DemoProcess collector =
        launch.tapwire(
            "collector",
            topology.ns("collector"),
            DemoLaunch.collectorArgs(topology, sources, files, 0));
    awaitReady(collector, topology.ns("collector"), DemoLaunch.COLLECTOR_METRICS_PORT);
    return collector;
  }

  private DemoProcess startCollectorAgain(Path files) throws IOException {
    DemoProcess collector =
        launch.tapwire(
            "collector-2",
            topology.ns("collector"),
            DemoLaunch.collectorArgs(topology, sources, files, 0));
    awaitReady(collector, topology.ns("collector"), DemoLaunch.COLLECTOR_METRICS_PORT);
    return collector;
  }

  private List<DemoProcess> startAgents() throws IOException {
    List<DemoProcess> agents = new ArrayList<>();
    for (DemoSource s : sources) {
      agents.add(launch.tapwire("agent-" + s.name(), s.ns(), DemoLaunch.agentArgs(s)));
    }
    for (int i = 0; i < agents.size(); i++) {
      awaitReady(agents.get(i), sources.get(i).ns(), DemoLaunch.AGENT_METRICS_PORT);
    }
    return agents;
  }

  private void awaitReady(DemoProcess p, String ns, int port) {
    Poll.until(
        READY_TIMEOUT,
        p.name() + " /readyz",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError(p.name() + " exited:\n" + p.logTail(10));
          }
          return metrics.ready(ns, port);
        });
  }

  private void runTraffic(long seconds) throws Exception {
    Process traffic = scripts.startTraffic(prefix, seconds, runDir.resolve("logs/traffic.log"));
    assertThat(traffic.waitFor(seconds + 60, TimeUnit.SECONDS)).as("traffic.sh finishes").isTrue();
    assertThat(traffic.exitValue()).as("traffic.sh exit code").isZero();
  }

  /**
   * Waits until every book balances and the counters have not moved for {@link #QUIET_NS}: longer
   * than an agent's capture timeout (100 ms), during which frames the kernel captured sit in
   * libpcap's ring, counted nowhere yet. Returns the last snapshot.
   */
  private DemoSnapshot settle() {
    AtomicReference<DemoSnapshot> last = new AtomicReference<>();
    AtomicLong unchangedSinceNs = new AtomicLong();
    AtomicReference<DemoSnapshot> settled = new AtomicReference<>();
    Poll.until(
        SETTLE_TIMEOUT,
        "agents and collector to settle with balanced books",
        () -> {
          DemoSnapshot now = snapshot();
          long nowNs = System.nanoTime();
          DemoSnapshot previous = last.getAndSet(now);
          if (previous == null || !now.fingerprint().equals(previous.fingerprint())) {
            unchangedSinceNs.set(nowNs);
            return false;
          }
          if (now.balanced() && now.decoded() > 0 && nowNs - unchangedSinceNs.get() >= QUIET_NS) {
            settled.set(now);
            return true;
          }
          return false;
        },
        () -> String.valueOf(last.get() == null ? null : last.get().fingerprint()));
    return settled.get();
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

  private long collectorSum(String name) {
    return MetricsSnapshot.parse(
            metrics.metricsOrNull(topology.ns("collector"), DemoLaunch.COLLECTOR_METRICS_PORT))
        .sum(name);
  }

  /** Per source, the sum of agent metric {@code name} (with {@code reason}, when given). */
  private Map<String, Long> agentSums(String name, String reason) {
    Map<String, Long> sums = new LinkedHashMap<>();
    for (DemoSource s : sources) {
      MetricsSnapshot m =
          MetricsSnapshot.parse(metrics.metricsOrNull(s.ns(), DemoLaunch.AGENT_METRICS_PORT));
      sums.put(s.name(), reason == null ? m.sum(name) : m.sum(name, "reason", reason));
    }
    return sums;
  }

  /** Per source, frames the agent sent or counted as send errors: the frames it let go of. */
  private Map<String, Long> agentAccounted() {
    Map<String, Long> sums = new LinkedHashMap<>();
    for (DemoSource s : sources) {
      MetricsSnapshot m =
          MetricsSnapshot.parse(metrics.metricsOrNull(s.ns(), DemoLaunch.AGENT_METRICS_PORT));
      sums.put(
          s.name(),
          m.sum("tapwire_agent_frames_sent_total") + m.sum(AGENT_DROPPED, "reason", "send_error"));
    }
    return sums;
  }

  private static String mac(String ns, String iface) {
    return Exec.check("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + iface + "/address")
        .strip();
  }

  private static List<Path> pcapngFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".pcapng")).sorted().toList();
    }
  }

  private static List<Path> pcapngFilesQuietly(Path dir) {
    try {
      return pcapngFiles(dir);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Whether {@code file} holds a readable frame already (the collector writes whole blocks). */
  private static boolean hasFrames(Path file) {
    try {
      return !readRecords(file).isEmpty();
    } catch (IOException | AssertionError e) {
      return false;
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** One frame of a capture file: its timestamp and the name of its pcapng interface. */
  private record Record(long timestampNs, String interfaceName) {}

  /** Every frame of a pcapng file, read with the wire module's reader. */
  private static List<Record> readRecords(Path file) throws IOException {
    List<Record> records = new ArrayList<>();
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    ByteBuf buffer = Unpooled.buffer(1 << 20);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      boolean end = false;
      while (true) {
        CaptureReadResult result = end ? reader.finish(buffer) : reader.next(buffer, record);
        if (result == CaptureReadResult.NEED_MORE_DATA) {
          buffer.discardReadBytes();
          buffer.ensureWritable(1 << 20);
          end = buffer.writeBytes(channel, 1 << 20) < 0;
          continue;
        }
        if (result == CaptureReadResult.END_OF_INPUT) {
          return records;
        }
        assertThat(result.isError()).as("%s: %s", file, result.label()).isFalse();
        if (result == CaptureReadResult.RECORD) {
          InterfaceDescription idb =
              reader.pcapngReader().interfaceDescription(record.interfaceId());
          records.add(new Record(record.timestampNs(), idb == null ? "" : idb.name()));
        }
      }
    } finally {
      buffer.release();
    }
  }
}
