package dev.tapwire.collector.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.SessionAllowlist;
import dev.tapwire.collector.config.SessionRange;
import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.metrics.CollectorBooks;
import dev.tapwire.collector.testing.MalformedCatalogue;
import dev.tapwire.collector.testing.MalformedCatalogue.Case;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.wire.ip.FragmentDropReason;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.DecodeReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decode stage under hostile input: every class of the malformed catalogue is counted under its
 * reason and nothing is delivered; the session allowlist; and floods of distinct sources, sessions
 * and fragment ids keep the stream and reassembly tables within their bounds, evicting the oldest
 * entries and counting them.
 */
class HostileInputDecodeTest {
  private static final int SOURCE = TestPackets.address(0, 1);
  private static final int DESTINATION = TestPackets.address(0, 2);
  private static final long TIMEOUT_NS = 1_000_000_000L;

  private final FramePools pools = new FramePools(1024, 64);
  private final SpscQueue<Frame> in = new SpscQueue<>(1024);
  private final SpscQueue<Frame> out = new SpscQueue<>(1024);
  private final Ipv4Reassembler reassembler = new Ipv4Reassembler(64, 65_535, TIMEOUT_NS, 64);
  private StreamTable streams = new StreamTable(1024, 300 * TIMEOUT_NS);
  private DecodeStage stage;

  private DecodeStage stage(SessionAllowlist sessions) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {in};
    stage =
        new DecodeStage(
            inputs,
            out,
            pools,
            new dev.tapwire.wire.tunnel.TunnelClassifier(),
            new SourceAllowlist(List.of()),
            sessions,
            reassembler,
            streams);
    return stage;
  }

  /** Decodes {@code ip} at {@code nowNs}; returns how many frames came out (released). */
  private int decode(byte[] ip, long nowNs) {
    assertThat(in.offer(TestPackets.rawIpv4Frame(pools, ip, nowNs))).isTrue();
    stage.doWork(nowNs);
    int frames = 0;
    Frame f;
    while ((f = out.poll()) != null) {
      f.release();
      frames++;
    }
    return frames;
  }

  private static byte[] udp(int port, byte[] payload) {
    byte[] datagram = new byte[8 + payload.length];
    datagram[0] = (byte) 0xC0;
    datagram[2] = (byte) (port >>> 8);
    datagram[3] = (byte) port;
    datagram[4] = (byte) (datagram.length >>> 8);
    datagram[5] = (byte) datagram.length;
    System.arraycopy(payload, 0, datagram, 8, payload.length);
    return TestPackets.ipv4(SOURCE, DESTINATION, IpProtocol.UDP, datagram);
  }

  private static String label(String series) {
    return series.substring(series.indexOf('"') + 1, series.lastIndexOf('"'));
  }

  private long counted(String series) {
    DecodeCounters c = stage.counters();
    String label = label(series);
    if (series.startsWith(MalformedCatalogue.FRAGMENTS_DROPPED)) {
      for (FragmentDropReason r : FragmentDropReason.values()) {
        if (r.label().equals(label)) {
          return c.fragmentsDropped.get(r.ordinal());
        }
      }
    }
    for (DecodeReason r : DecodeReason.values()) {
      if (r.label().equals(label)) {
        return series.startsWith(MalformedCatalogue.SKIPPED)
            ? c.skipped.get(r.ordinal())
            : c.invalid.get(r.ordinal());
      }
    }
    throw new AssertionError("no counter for " + series);
  }

  @Test
  void everyCatalogueClassIsCountedUnderItsReasonAndNothingIsDelivered() {
    stage(SessionAllowlist.ANY);
    List<Case> cases = new java.util.ArrayList<>(MalformedCatalogue.socketCases());
    cases.addAll(MalformedCatalogue.ipv4Cases(SOURCE, DESTINATION));
    assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
    long nowNs = 0;
    for (Case c : cases) {
      if (c.path() == MalformedCatalogue.Path.GRE_V6
          || c.path() == MalformedCatalogue.Path.UDP_V6) {
        continue; // same payloads as the IPv4 cases; the IT sends them over IPv6
      }
      long before = counted(c.series());
      int delivered = 0;
      for (byte[] packet : c.packets()) {
        byte[] ip =
            switch (c.path()) {
              case GRE_V4 -> TestPackets.ipv4Gre(SOURCE, DESTINATION, packet);
              case UDP_V4 -> udp(c.udpPort(), packet);
              default -> packet;
            };
        delivered += decode(ip, nowNs += 1_000);
      }
      assertThat(delivered).as(c.name()).isZero();
      assertThat(counted(c.series()) - before).as(c.name() + " -> " + c.series()).isPositive();
    }
    assertThat(stage.counters().framesDecoded.get()).isZero();
    assertThat(books().decode().balanced()).isTrue();
  }

  @Test
  void framesOutsideTheSessionAllowlistAreDroppedBeforeTheStreamTable() {
    stage(
        new SessionAllowlist(
            List.of(
                SessionRange.parse("5"), SessionRange.parse("100-200"), SessionRange.parse("42"))));
    byte[] inner = TestPackets.ethernetFrame(1, 64, 30);
    assertThat(
            decode(TestPackets.ipv4Gre(SOURCE, DESTINATION, TestPackets.erspanII(1, 5, inner)), 1))
        .isOne();
    assertThat(
            decode(TestPackets.ipv4Gre(SOURCE, DESTINATION, TestPackets.erspanII(1, 6, inner)), 2))
        .isZero();
    assertThat(decode(udp(4789, TestPackets.vxlan(150, inner)), 3)).isOne();
    assertThat(decode(udp(4789, TestPackets.vxlan(201, inner)), 4)).isZero();
    assertThat(
            decode(
                TestPackets.ipv4Gre(SOURCE, DESTINATION, MalformedCatalogue.greTeb(42, inner)), 5))
        .isOne();
    assertThat(
            decode(
                TestPackets.ipv4Gre(SOURCE, DESTINATION, MalformedCatalogue.greTeb(-1, inner)), 6))
        .as("no key: not in a non-empty allowlist")
        .isZero();
    assertThat(
            decode(TestPackets.ipv4Gre(SOURCE, DESTINATION, MalformedCatalogue.erspanI(inner)), 7))
        .as("ERSPAN I has no session")
        .isZero();

    DecodeCounters c = stage.counters();
    assertThat(c.framesDecoded.get()).isEqualTo(3);
    assertThat(c.droppedSessionNotAllowed.get()).isEqualTo(4);
    assertThat(streams.size()).as("only allowed sessions take stream slots").isEqualTo(3);
    assertThat(books().decode().balanced()).isTrue();
  }

  @Test
  void aFloodOfDistinctSourcesAndSessionsStaysWithinTheStreamTable() {
    streams = new StreamTable(1024, 300 * TIMEOUT_NS);
    stage(SessionAllowlist.ANY);
    byte[] inner = TestPackets.ethernetFrame(1, 64, 30);
    int floods = 100_000;
    for (int i = 0; i < floods; i++) {
      int source = 0xC612_0000 + i; // 198.18.0.0/15 holds 131072 addresses
      byte[] ip =
          TestPackets.ipv4Gre(source, DESTINATION, TestPackets.erspanII(1, i & 0x3FF, inner));
      assertThat(decode(ip, i)).isOne();
      assertThat(streams.size()).isLessThanOrEqualTo(1024);
    }
    assertThat(streams.size()).isEqualTo(1024);
    assertThat(streams.created()).isEqualTo(floods);
    assertThat(streams.evicted()).isEqualTo(floods - 1024);
    // One source, 100k VXLAN VNIs: the same bound holds.
    for (int vni = 0; vni < floods; vni++) {
      assertThat(decode(udp(4789, TestPackets.vxlan(vni, inner)), floods + vni)).isOne();
    }
    assertThat(streams.size()).isEqualTo(1024);
    assertThat(streams.evicted()).isEqualTo(2L * floods - 1024);
    assertThat(pools.small().freeSlots()).isEqualTo(pools.small().slotCount());
  }

  @Test
  void aFloodOfFragmentIdsStaysWithinTheReassemblyTable() {
    stage(SessionAllowlist.ANY);
    byte[] gre = TestPackets.erspanII(1, 9, TestPackets.ethernetFrame(1, 64, 30));
    int floods = 100_000;
    long nowNs = 0;
    for (int i = 0; i < floods; i++) {
      int source = 0xC612_0000 + (i >>> 16);
      byte[] first =
          MalformedCatalogue.fragment(
              source, DESTINATION, i & 0xFFFF, 0, true, java.util.Arrays.copyOf(gre, 24));
      assertThat(decode(first, nowNs += 1_000)).isZero();
      assertThat(reassembler.partialDatagrams()).isLessThanOrEqualTo(64);
      assertThat(reassembler.bufferedBytes()).isLessThanOrEqualTo(64L * 65_535);
    }
    stage.doWork(nowNs += 200_000_000L); // publishes the counters
    DecodeCounters c = stage.counters();
    assertThat(c.reassemblyPartialDatagrams.get()).isEqualTo(64);
    assertThat(c.reassemblyEvictions.get()).isEqualTo(floods - 64);
    assertThat(c.fragmentsDropped.get(FragmentDropReason.TABLE_FULL.ordinal()))
        .isEqualTo(floods - 64);
    assertThat(c.fragmentsPending.get()).isEqualTo(64);

    stage.doWork(nowNs + 2 * TIMEOUT_NS); // every partial datagram times out
    assertThat(c.reassemblyTimeouts.get()).isEqualTo(64);
    assertThat(c.reassemblyPartialDatagrams.get()).isZero();
    assertThat(c.fragmentsDropped.get(FragmentDropReason.TIMEOUT.ordinal())).isEqualTo(64);
    assertThat(books().fragments().balanced()).isTrue();
    assertThat(books().decode().balanced()).isTrue();
  }

  private CollectorBooks books() {
    return new CollectorBooks(
        List.of(),
        stage.counters(),
        out,
        new dev.tapwire.collector.merge.MergeCounters(1),
        List.of());
  }
}
