package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V6;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.DefaultSinks;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.DropSeries;
import dev.tapwire.collector.testing.FrameInjector;
import dev.tapwire.collector.testing.KernelCounters;
import dev.tapwire.collector.testing.MalformedCatalogue;
import dev.tapwire.collector.testing.MalformedCatalogue.Case;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.collector.testing.TunnelSender;
import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A running collector (real sockets, pcapng file sink) receives every class of the malformed
 * catalogue from another namespace. For each class: the collector counts it under its own reason in
 * {@code /metrics} (scraped over HTTP inside its namespace) and no other drop series moves, or, for
 * outer IPv4 malformations the kernel drops first, a kernel counter moves and the collector
 * receives nothing; {@code /healthz} stays 200; a valid packet sent afterwards is delivered. At the
 * end the pcapng file holds exactly the valid frames (capinfos and a reader of our own agree).
 */
class MalformedInputIT {
  private static final String PACKETS_RECEIVED = "tapwire_collector_packets_received_total";

  private final List<String> expectedFrames = new ArrayList<>();
  private CollectorTopology topology;
  private Collector collector;
  private TunnelSender sender;
  private long markerSequence;

  @Test
  void everyMalformedClassIsCountedByReasonAndNothingIsDelivered() throws Exception {
    RootRequirement.check();
    Path dir = Files.createTempDirectory("tapwire-malformed");
    try (CollectorTopology t = CollectorTopology.create()) {
      topology = t;
      collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(
                      CollectorSettingKeys.OUTPUT_DIR, List.of(dir.toString()),
                      CollectorSettingKeys.ALLOW, List.of("198.18.0.1/32", "2001:db8::1/128"),
                      CollectorSettingKeys.ALLOW_SESSION, List.of("1-1000"),
                      // The kernel-dropped classes below are the raw socket's behaviour; the
                      // ring sees them and its decoder counts them (HostileInputDecodeTest).
                      CollectorSettingKeys.RECEIVE_METHOD, List.of("socket"))),
              DefaultSinks::create);
      sender = topology.sender();
      InetAddress outsider = topology.extraSource(1);
      sendMarker(); // the path works before anything bad arrives

      int classes = 0;
      for (Case c : MalformedCatalogue.socketCases()) {
        checkCountedByCollector(c, () -> sendSocketCase(c));
        classes++;
      }
      Case notAllowedSource =
          new Case(
              "source_outside_allowlist",
              MalformedCatalogue.Path.GRE_V4,
              0,
              List.of(validErspan(MalformedCatalogue.SESSION)),
              "tapwire_collector_frames_dropped_total{reason=\"source_not_allowed\",stage=\"decode\"}",
              List.of());
      checkCountedByCollector(
          notAllowedSource,
          () -> sender.sendGre(outsider, COLLECTOR_V4, notAllowedSource.packets().getFirst()));
      Case notAllowedSession =
          new Case(
              "session_outside_allowlist",
              MalformedCatalogue.Path.GRE_V4,
              0,
              List.of(validErspan(1001), validVxlan(5000)),
              "tapwire_collector_frames_dropped_total{reason=\"session_not_allowed\",stage=\"decode\"}",
              List.of());
      checkCountedByCollector(
          notAllowedSession,
          () -> {
            sender.sendGre(SENDER_V4, COLLECTOR_V4, notAllowedSession.packets().get(0));
            sender.sendUdp(SENDER_V4, COLLECTOR_V4, 4789, notAllowedSession.packets().get(1));
          });
      classes += 2;

      try (FrameInjector injector =
          new FrameInjector(
              topology.sender.name(),
              topology.link.nameA(),
              topology.link.macA(),
              topology.link.macB())) {
        for (Case c : MalformedCatalogue.ipv4Cases(address(SENDER_V4), address(COLLECTOR_V4))) {
          checkDroppedByKernel(c, injector);
          classes++;
        }
      }
      assertThat(classes).isGreaterThanOrEqualTo(20);
      assertThat(collector.books().decode().balanced()).isTrue();

      FrameSink files = collector.sinks().getFirst();
      assertThat(files.framesDelivered()).isEqualTo(expectedFrames.size());
      collector.close(); // flushes and closes the file
      Path pcapng = onlyCaptureFile(dir);
      assertThat(Capinfos.packetCount(pcapng)).isEqualTo(expectedFrames.size());
      assertThat(frameHashes(pcapng)).containsExactlyElementsOf(expectedFrames);
    } finally {
      deleteAll(dir);
    }
  }

  /** A sending step that may fail. */
  private interface Send {
    void run() throws Exception;
  }

  private void checkCountedByCollector(Case c, Send send) throws Exception {
    Map<String, Double> before = DropSeries.parse(metrics());
    send.run();
    Poll.until(
        Duration.ofSeconds(10),
        c.name() + " counted as " + c.series(),
        () ->
            DropSeries.parse(metrics()).getOrDefault(c.series(), 0.0)
                >= before.getOrDefault(c.series(), 0.0) + c.packets().size(),
        () -> c.name() + ": " + DropSeries.changes(before, DropSeries.parse(metrics())));
    sendMarker();
    Map<String, Double> changes = DropSeries.changes(before, DropSeries.parse(metrics()));
    assertThat(changes)
        .as(c.name() + ": only its own series moves")
        .isEqualTo(Map.of(c.series(), (double) c.packets().size()));
    assertHealthy(c);
    System.out.println("class " + c.name() + ": " + changes);
  }

  private void checkDroppedByKernel(Case c, FrameInjector injector) throws Exception {
    Map<String, Long> kernelBefore = KernelCounters.read(topology.collectorNs);
    String metricsBefore = metrics();
    Map<String, Double> before = DropSeries.parse(metricsBefore);
    double receivedBefore = DropSeries.sum(metricsBefore, PACKETS_RECEIVED);
    injector.sendAll(c.packets());
    Poll.until(
        Duration.ofSeconds(10),
        c.name() + " dropped by the kernel, counted in one of " + c.kernelCounters(),
        () ->
            KernelCounters.increase(
                    kernelBefore, KernelCounters.read(topology.collectorNs), c.kernelCounters())
                > 0);
    sendMarker();
    String metricsAfter = metrics();
    assertThat(DropSeries.sum(metricsAfter, PACKETS_RECEIVED))
        .as(c.name() + ": the collector received only the valid packet after it")
        .isEqualTo(receivedBefore + 1);
    assertThat(DropSeries.changes(before, DropSeries.parse(metricsAfter))).isEmpty();
    assertHealthy(c);
    System.out.println(
        "class " + c.name() + ": kernel " + kernelChanges(kernelBefore, c.kernelCounters()));
  }

  private Map<String, Long> kernelChanges(Map<String, Long> before, List<String> names) {
    Map<String, Long> after = KernelCounters.read(topology.collectorNs);
    Map<String, Long> changes = new java.util.TreeMap<>();
    for (String name : names) {
      changes.put(name, after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L));
    }
    return changes;
  }

  private void sendSocketCase(Case c) throws Exception {
    for (byte[] packet : c.packets()) {
      switch (c.path()) {
        case GRE_V4 -> sender.sendGre(SENDER_V4, COLLECTOR_V4, packet);
        case GRE_V6 -> sender.sendGre(SENDER_V6, COLLECTOR_V6, packet);
        case UDP_V4 -> sender.sendUdp(SENDER_V4, COLLECTOR_V4, c.udpPort(), packet);
        case UDP_V6 -> sender.sendUdp(SENDER_V6, COLLECTOR_V6, c.udpPort(), packet);
        case IPV4_PACKETS -> throw new IllegalArgumentException(c.name());
      }
    }
  }

  /** Sends a valid ERSPAN II frame and waits until the file sink has it. */
  private void sendMarker() throws Exception {
    byte[] frame = TestPackets.ethernetFrame(5000 + expectedFrames.size(), 64, 40);
    expectedFrames.add(CollectingSink.sha256(frame));
    sender.sendGre(
        SENDER_V4,
        COLLECTOR_V4,
        TestPackets.erspanII(++markerSequence, MalformedCatalogue.SESSION, frame));
    FrameSink files = collector.sinks().getFirst();
    Poll.until(
        Duration.ofSeconds(10),
        "valid frame " + expectedFrames.size() + " delivered",
        () -> files.framesDelivered() == expectedFrames.size(),
        () -> files.framesDelivered() + " delivered; " + collector.books().balances());
  }

  private void assertHealthy(Case c) throws Exception {
    assertThat(topology.get(collector, "/healthz").status())
        .as(c.name() + ": /healthz")
        .isEqualTo(200);
  }

  private String metrics() {
    try {
      CollectorTopology.HttpResult r = topology.get(collector, "/metrics");
      assertThat(r.status()).isEqualTo(200);
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] validErspan(int session) {
    return TestPackets.erspanII(1, session, TestPackets.ethernetFrame(9000 + session, 64, 30));
  }

  private static byte[] validVxlan(int vni) {
    return TestPackets.vxlan(vni, TestPackets.ethernetFrame(9000, 64, 30));
  }

  private static int address(InetAddress v4) {
    return ByteBuffer.wrap(v4.getAddress()).getInt();
  }

  private static Path onlyCaptureFile(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> files = list.filter(p -> p.toString().endsWith(".pcapng")).toList();
      assertThat(files).hasSize(1);
      return files.getFirst();
    }
  }

  private static List<String> frameHashes(Path file) throws Exception {
    ByteBuf in = Unpooled.wrappedBuffer(Files.readAllBytes(file));
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    List<String> hashes = new ArrayList<>();
    while (true) {
      CaptureReadResult result = reader.next(in, record);
      if (result == CaptureReadResult.RECORD) {
        hashes.add(
            CollectingSink.sha256(
                ByteBufUtil.getBytes(record.data(), record.dataOffset(), record.capturedLength())));
      } else if (result != CaptureReadResult.INTERFACE_STATISTICS) {
        return hashes;
      }
    }
  }

  private static void deleteAll(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
