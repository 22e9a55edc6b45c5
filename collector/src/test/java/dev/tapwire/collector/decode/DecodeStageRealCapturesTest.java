package dev.tapwire.collector.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.Cidr;
import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.RealCapturePackets;
import dev.tapwire.collector.testing.RealCapturePackets.OuterPacket;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.DecodeReason;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The decode stage over the outer IP packets of every real tunnelled capture. */
class DecodeStageRealCapturesTest {
  static final List<String> FILES = RealCapturePackets.TUNNELLED;

  private final FramePools pools = new FramePools(4096, 64);

  /** What the stage made of a capture. */
  record Outcome(
      DecodeCounters counters, List<String> frameHashes, StreamTable streams, long framesLeft) {}

  private Outcome decode(List<OuterPacket> packets, SourceAllowlist allowlist) {
    SpscQueue<Frame> in = new SpscQueue<>(8192);
    SpscQueue<Frame> out = new SpscQueue<>(8192);
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {in};
    DecodeStage stage =
        new DecodeStage(
            inputs,
            out,
            pools,
            new TunnelClassifier(),
            allowlist,
            new Ipv4Reassembler(64, 65_535, 1_000_000_000L, 64),
            new StreamTable(64, 300_000_000_000L));
    for (OuterPacket p : packets) {
      assertThat(in.offer(TestPackets.rawIpv4Frame(pools, p.ip(), p.timestampNs()))).isTrue();
    }
    while (stage.doWork(0) > 0) {
      // drain
    }
    List<String> hashes = new ArrayList<>();
    Frame f;
    while ((f = out.poll()) != null) {
      hashes.add(
          CollectingSink.sha256(ByteBufUtil.getBytes(f.buffer(), f.innerOffset, f.innerLength)));
      f.release();
    }
    long left = (long) pools.small().slotCount() - pools.small().freeSlots();
    return new Outcome(stage.counters(), hashes, stage.streams(), left);
  }

  /** The reference: the codecs and a reassembler of their own, straight over the packets. */
  private static List<String> referenceFrames(List<OuterPacket> packets, Map<String, Long> why) {
    TunnelClassifier classifier = new TunnelClassifier();
    Ipv4Reassembler reassembler = new Ipv4Reassembler(64, 65_535, 1_000_000_000L, 64);
    DecodedFrame d = new DecodedFrame();
    List<String> hashes = new ArrayList<>();
    for (OuterPacket p : packets) {
      ByteBuf buf = Unpooled.wrappedBuffer(p.ip());
      Verdict v = classifier.classifyIp(buf, 0, p.ip().length, d);
      if (v == Verdict.FRAGMENT) {
        if (reassembler.offer(buf, 0, p.ip().length, 0) != Ipv4Reassembler.Result.COMPLETE) {
          continue;
        }
        ByteBuf whole = Unpooled.copiedBuffer(reassembler.completedDatagram());
        v = classifier.classifyIp(whole, 0, whole.readableBytes(), d);
        buf = whole;
      }
      if (v == Verdict.FRAME) {
        hashes.add(
            CollectingSink.sha256(ByteBufUtil.getBytes(buf, d.innerOffset(), d.innerLength())));
      } else {
        why.merge(d.reason().label(), 1L, Long::sum);
      }
    }
    return hashes;
  }

  private static Map<String, Long> reasons(DecodeCounters counters) {
    Map<String, Long> reasons = new TreeMap<>();
    for (DecodeReason reason : DecodeReason.values()) {
      long n = counters.invalid.get(reason.ordinal()) + counters.skipped.get(reason.ordinal());
      if (n > 0) {
        reasons.put(reason.label(), n);
      }
    }
    return reasons;
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void everyPacketIsDecodedOrCountedByReason(String file) {
    List<OuterPacket> packets = RealCapturePackets.read(RealCaptures.file(file));
    Map<String, Long> expectedReasons = new TreeMap<>();
    List<String> expectedFrames = referenceFrames(packets, expectedReasons);

    Outcome outcome = decode(packets, new SourceAllowlist(List.of()));

    assertThat(outcome.frameHashes()).containsExactlyElementsOf(expectedFrames);
    assertThat(reasons(outcome.counters())).isEqualTo(expectedReasons);
    DecodeCounters c = outcome.counters();
    assertThat(c.packetsIn.get()).isEqualTo(packets.size());
    assertThat(c.packetsIn.get() + c.datagramsReassembled.get())
        .isEqualTo(
            c.framesDecoded.get()
                + c.invalid.sum()
                + c.skipped.sum()
                + c.droppedNotAllowed.get()
                + c.droppedBufferExhausted.get()
                + c.fragmentsIn.get());
    assertThat(c.fragmentsIn.get())
        .isEqualTo(
            c.fragmentsReassembled.get() + c.fragmentsDropped.sum() + c.fragmentsPending.get());
    assertThat(outcome.framesLeft()).isZero();
  }

  @Test
  void knownCountsOfTheRealCaptures() {
    Outcome mixed = decode(read("tcpdump/erspan-type-i-4.pcap"), new SourceAllowlist(List.of()));
    assertThat(mixed.counters().framesDecoded.get()).isEqualTo(88);
    assertThat(mixed.counters().skipped.get(DecodeReason.GRE_PROTOCOL_NOT_MIRROR.ordinal()))
        .isEqualTo(8);

    Outcome twoSources =
        decode(read("tcpdump/erspan-type-ii-2.pcap"), new SourceAllowlist(List.of()));
    assertThat(twoSources.counters().framesDecoded.get()).isEqualTo(16);
    assertThat(twoSources.streams().size()).isEqualTo(2);

    Outcome fragmented = decode(read("zeek/erspan.pcap"), new SourceAllowlist(List.of()));
    assertThat(fragmented.counters().fragmentsIn.get()).isPositive();
    assertThat(fragmented.counters().datagramsReassembled.get()).isPositive();
    assertThat(fragmented.streams().size()).isEqualTo(2); // TEB keys 0 and 0x02000000

    Outcome pptp = decode(read("tcpdump/pptp.pcap"), new SourceAllowlist(List.of()));
    assertThat(pptp.counters().skipped.get(DecodeReason.GRE_VERSION_1_PPTP.ordinal())).isEqualTo(1);
    assertThat(pptp.counters().framesDecoded.get()).isZero();

    Outcome timed = decode(read("zeek/gre-erspan3-dot1q.pcap"), new SourceAllowlist(List.of()));
    assertThat(timed.counters().framesDecoded.get()).isEqualTo(2);
  }

  @Test
  void sourcesOutsideTheAllowlistAreDroppedAndCounted() {
    List<OuterPacket> packets = read("tcpdump/erspan-type-ii-2.pcap");
    // Only 192.168.195.67 of the two sources (192.168.195.67 and .73) is allowed.
    Outcome outcome =
        decode(packets, new SourceAllowlist(List.of(Cidr.parse("192.168.195.67/32"))));
    assertThat(outcome.counters().framesDecoded.get()).isPositive();
    assertThat(outcome.counters().droppedNotAllowed.get()).isPositive();
    assertThat(outcome.counters().framesDecoded.get() + outcome.counters().droppedNotAllowed.get())
        .isEqualTo(16);
    assertThat(outcome.streams().size()).isEqualTo(1);
  }

  @Test
  void sequenceGapsAreCountedAsNetworkLoss() {
    List<OuterPacket> packets = new ArrayList<>();
    long[] sequences = {1, 2, 3, 7, 8, 6}; // 4, 5, 6 missing; 6 arrives late
    for (long seq : sequences) {
      byte[] ip =
          TestPackets.ipv4Gre(
              TestPackets.address(1, 1),
              TestPackets.address(0, 2),
              TestPackets.erspanII(seq, 5, TestPackets.ethernetFrame((int) seq, 64, 10)));
      packets.add(new OuterPacket(ip, seq));
    }
    Outcome outcome = decode(packets, new SourceAllowlist(List.of()));
    assertThat(outcome.counters().framesLost.get()).isEqualTo(3);
    assertThat(outcome.counters().framesRecovered.get()).isEqualTo(1);
    var stream = outcome.streams();
    stream.publishDescriptors();
    assertThat(stream.descriptors().getFirst().counters().framesLost()).isEqualTo(2);
    assertThat(stream.descriptors().getFirst().counters().gapEvents()).isEqualTo(1);
  }

  private static List<OuterPacket> read(String file) {
    return RealCapturePackets.read(RealCaptures.file(file));
  }
}
