package dev.tapwire.wire.seq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4Header;
import dev.tapwire.wire.ip.testing.TestPcapFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tcpdump/erspan-type-ii-2.pcap}: two switches, both ERSPAN session 1, independent GRE
 * sequence spaces (1086760.. and 1306277..), interleaved: no loss on either.
 */
class SequenceRealCaptureTest {
  private static final int GRE_FLAG_SEQUENCE = 0x1000;
  private static final int GRE_ERSPAN_II = 0x88BE;

  private record StreamKey(int source, int destination, int protocol, int session) {}

  private record SourceKey(int source, int destination, int protocol) {}

  @Test
  void twoSwitchesSharingSessionIdHaveNoLoss() throws Exception {
    TestPcapFile pcap =
        TestPcapFile.read(TestPcapFile.realCapture("tcpdump/erspan-type-ii-2.pcap"));
    Map<SourceKey, SequenceAccounting> sources = new HashMap<>();
    Map<StreamKey, SequenceTracker> streams = new HashMap<>();
    Map<Integer, Long> firstSeq = new HashMap<>();
    long net = 0;
    int packets = 0;
    for (TestPcapFile.Record record : pcap.records()) {
      ByteBuf frame = Unpooled.wrappedBuffer(record.data());
      int ip = 14;
      assertThat(frame.getUnsignedShort(12)).isEqualTo(0x0800);
      assertThat(Ipv4Header.protocol(frame, ip)).isEqualTo(IpProtocol.GRE);
      int gre = ip + Ipv4Header.headerLengthBytes(frame, ip);
      int flags = frame.getUnsignedShort(gre);
      int protocol = frame.getUnsignedShort(gre + 2);
      assertThat(flags).isEqualTo(GRE_FLAG_SEQUENCE);
      assertThat(protocol).isEqualTo(GRE_ERSPAN_II);
      long seq = frame.getUnsignedInt(gre + 4);
      int session = frame.getUnsignedShort(gre + 8 + 2) & 0x3FF; // ERSPAN II session ID
      int source = Ipv4Header.sourceAddress(frame, ip);
      int destination = Ipv4Header.destinationAddress(frame, ip);
      firstSeq.putIfAbsent(source, seq);
      SequenceAccounting accounting =
          sources.computeIfAbsent(
              new SourceKey(source, destination, protocol), k -> new SequenceAccounting());
      SequenceTracker stream =
          streams.computeIfAbsent(
              new StreamKey(source, destination, protocol, session), k -> new SequenceTracker());
      net += accounting.observe(stream, seq);
      packets++;
    }
    assertThat(packets).isEqualTo(16);
    assertThat(sources).hasSize(2);
    assertThat(streams).hasSize(2);
    assertThat(streams.keySet()).extracting(StreamKey::session).containsOnly(1);
    assertThat(firstSeq.values()).containsExactlyInAnyOrder(1086760L, 1306277L);
    assertThat(net).isZero();
    for (SequenceAccounting accounting : sources.values()) {
      assertThat(accounting.missing()).isZero();
      assertThat(accounting.reorderedOrDuplicate()).isZero();
      assertThat(accounting.packets()).isEqualTo(8);
    }
    for (SequenceTracker stream : streams.values()) {
      assertThat(stream.missing()).isZero();
    }
  }
}
