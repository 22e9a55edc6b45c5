package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.DropSeries;
import dev.tapwire.collector.testing.FrameInjector;
import dev.tapwire.collector.testing.KernelCounters;
import dev.tapwire.collector.testing.MalformedCatalogue;
import dev.tapwire.collector.testing.MetricsText;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Floods at a running collector. Distinct spoofed outer sources (and sessions) fill the stream
 * table, which stays at {@code --max-streams}, evicting the least recently seen stream and counting
 * it, while every frame is still delivered. A flood of distinct fragment ids never reaches the
 * collector at all: the kernel reassembles before raw delivery, within its own memory bound.
 */
class TableFloodIT {
  private static final int MAX_STREAMS = 256;
  private static final int SOURCES = 20_000;
  private static final int CHUNK = 1_000;
  private static final long ONE_FRAGMENT_TRUESIZE_BYTES = 4_096;

  @Test
  void aFloodOfDistinctSourcesKeepsTheStreamTableAtItsBound() throws Exception {
    RootRequirement.check();
    try (CollectorTopology topology = CollectorTopology.create();
        FrameInjector injector =
            new FrameInjector(
                topology.sender.name(),
                topology.link.nameA(),
                topology.link.macA(),
                topology.link.macB())) {
      // The spoofed sources are off-link for the collector: no reverse-path check.
      topology.collectorNs.sysctl("net.ipv4.conf.all.rp_filter", "0");
      topology.collectorNs.sysctl("net.ipv4.conf." + topology.link.nameB() + ".rp_filter", "0");
      CollectingSink sink = new CollectingSink("test");
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(CollectorSettingKeys.MAX_STREAMS, List.of(Integer.toString(MAX_STREAMS)))),
              sink);
      int destination = address(COLLECTOR_V4.getAddress());
      byte[] frame = TestPackets.ethernetFrame(1, 64, 20);
      DecodeCounters counters = collector.decodeStage().counters();
      for (int start = 0; start < SOURCES; start += CHUNK) {
        List<byte[]> packets = new ArrayList<>(CHUNK);
        for (int i = start; i < start + CHUNK; i++) {
          int source = 0xC612_0100 + i; // 198.18.1.0 upwards, inside 198.18.0.0/15
          packets.add(
              TestPackets.ipv4Gre(source, destination, TestPackets.erspanII(1, i & 0x3FF, frame)));
        }
        injector.sendAll(packets);
        int sent = start + CHUNK;
        // Paced by what the collector has taken, so that no queue overflows and every count is
        // exact.
        Poll.until(
            Duration.ofSeconds(30),
            sent + " packets decoded",
            () -> counters.framesDecoded.get() == sent,
            () -> counters.framesDecoded.get() + " decoded; " + collector.books().balances());
        assertThat(collector.decodeStage().streams().size()).isLessThanOrEqualTo(MAX_STREAMS);
      }
      Poll.until(Duration.ofSeconds(10), "all delivered", () -> sink.framesDelivered() == SOURCES);
      long t0 = System.nanoTime();
      String metrics = topology.get(collector, "/metrics").body();
      System.out.println(
          "scrape after flood: "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms, "
              + metrics.length()
              + " bytes");
      assertThat(MetricsText.value(metrics, "tapwire_collector_streams").orElseThrow())
          .isEqualTo(MAX_STREAMS);
      assertThat(
              MetricsText.value(metrics, "tapwire_collector_streams_created_total").orElseThrow())
          .isEqualTo(SOURCES);
      assertThat(
              MetricsText.value(metrics, "tapwire_collector_streams_evicted_total").orElseThrow())
          .isEqualTo(SOURCES - MAX_STREAMS);
      assertThat(DropSeries.sum(metrics, "tapwire_collector_frames_dropped_total")).isZero();
      assertThat(topology.get(collector, "/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void aFloodOfFragmentIdsIsBoundedByTheKernelAndNeverReachesTheCollector() throws Exception {
    RootRequirement.check();
    try (CollectorTopology topology = CollectorTopology.create();
        FrameInjector injector =
            new FrameInjector(
                topology.sender.name(),
                topology.link.nameA(),
                topology.link.macA(),
                topology.link.macB())) {
      CollectingSink sink = new CollectingSink("test");
      // The raw socket's behaviour: the kernel reassembles (and bounds) before the socket. The
      // ring sees every fragment; its decoder's bounded reassembly is HostileInputDecodeTest's.
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(CollectorSettingKeys.RECEIVE_METHOD, List.of("socket"))),
              sink);
      int source = address(SENDER_V4.getAddress());
      int destination = address(COLLECTOR_V4.getAddress());
      byte[] gre = TestPackets.erspanII(1, 9, TestPackets.ethernetFrame(1, 64, 600));
      long highThreshBytes =
          Long.parseLong(
              topology
                  .collectorNs
                  .execChecked("cat", "/proc/sys/net/ipv4/ipfrag_high_thresh")
                  .strip());
      Map<String, Long> before = KernelCounters.read(topology.collectorNs);
      int fragments = 65_536; // every identification once: each starts a new datagram
      List<byte[]> packets = new ArrayList<>(CHUNK);
      for (int id = 0; id < fragments; id++) {
        packets.add(
            MalformedCatalogue.fragment(
                source, destination, id, 0, true, java.util.Arrays.copyOf(gre, 512)));
        if (packets.size() == CHUNK) {
          injector.sendAll(packets);
          packets.clear();
          // The kernel refuses new datagrams once past the threshold: at most one fragment over.
          assertThat(fragmentMemoryBytes(topology))
              .isLessThanOrEqualTo(highThreshBytes + ONE_FRAGMENT_TRUESIZE_BYTES);
        }
      }
      injector.sendAll(packets);
      Poll.until(
          Duration.ofSeconds(10),
          "the kernel saw every fragment",
          () ->
              KernelCounters.increase(
                      before, KernelCounters.read(topology.collectorNs), List.of("Ip:ReasmReqds"))
                  >= fragments);
      Map<String, Long> after = KernelCounters.read(topology.collectorNs);
      System.out.println(
          "fragment flood: ReasmReqds +"
              + KernelCounters.increase(before, after, List.of("Ip:ReasmReqds"))
              + ", ReasmFails +"
              + KernelCounters.increase(before, after, List.of("Ip:ReasmFails"))
              + ", kernel fragment memory "
              + fragmentMemoryBytes(topology)
              + " of "
              + highThreshBytes
              + " bytes");
      // A valid packet afterwards is received and delivered: the only packet the collector saw.
      try (var sender = topology.sender()) {
        sender.sendGre(SENDER_V4, COLLECTOR_V4, gre);
      }
      Poll.until(
          Duration.ofSeconds(10), "valid frame delivered", () -> sink.framesDelivered() == 1);
      String metrics = topology.get(collector, "/metrics").body();
      assertThat(DropSeries.sum(metrics, "tapwire_collector_packets_received_total")).isEqualTo(1);
      assertThat(DropSeries.sum(metrics, "tapwire_collector_fragments_received_total")).isZero();
      assertThat(topology.get(collector, "/healthz").status()).isEqualTo(200);
    }
  }

  /**
   * The kernel's IPv4 reassembly memory in the collector's namespace ({@code FRAG: ... memory}).
   */
  private static long fragmentMemoryBytes(CollectorTopology topology) {
    for (String line :
        topology.collectorNs.exec("cat", "/proc/net/sockstat").check().stdoutLines()) {
      if (line.startsWith("FRAG:")) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[4]);
      }
    }
    throw new AssertionError("no FRAG line in /proc/net/sockstat");
  }

  private static int address(byte[] v4) {
    return ByteBuffer.wrap(v4).getInt();
  }
}
