package dev.tapwire.collector.testing;

import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The outer IP packets of a real capture of tunnelled traffic, as a collector would receive them.
 */
public final class RealCapturePackets {
  /** Every tunnelled capture in shared/testdata/real (relative paths). */
  public static final List<String> TUNNELLED =
      List.of(
          "tcpdump/erspan-type-i-3.pcap",
          "tcpdump/erspan-type-i-4.pcap",
          "tcpdump/erspan-type-ii-1.pcap",
          "tcpdump/erspan-type-ii-2.pcap",
          "tcpdump/erspan-type-ii-3.pcap",
          "tcpdump/erspan-type-iii-ft-0.pcap",
          "tcpdump/erspan-type-iii-ft-7.pcap",
          "tcpdump/vxlan.pcap",
          "tcpdump/pptp.pcap",
          "zeek/erspanI.pcap",
          "zeek/erspanIII.pcap",
          "zeek/gre-erspan3-dot1q.pcap",
          "zeek/erspan.pcap",
          "zeek/gre-over-udp-4754.pcap");

  /** One outer IP packet (bounded by its IP length) and the time of its record. */
  public record OuterPacket(byte[] ip, long timestampNs) {}

  private RealCapturePackets() {}

  /** The records of {@code file} that carry an IP packet, as IP packets (link layer removed). */
  public static List<OuterPacket> read(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuf in = Unpooled.wrappedBuffer(content);
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    TunnelClassifier classifier = new TunnelClassifier();
    DecodedFrame decoded = new DecodedFrame();
    List<OuterPacket> packets = new ArrayList<>();
    while (true) {
      CaptureReadResult result = reader.next(in, record);
      if (result == CaptureReadResult.RECORD) {
        classifier.classifyLinkLayer(
            record.linkType(),
            record.data(),
            record.dataOffset(),
            record.capturedLength(),
            decoded);
        int ip = decoded.outerIpOffset();
        if (ip < 0 || decoded.outerIpTotalLength() <= 0) {
          continue;
        }
        int available = record.dataOffset() + record.capturedLength() - ip;
        int length = Math.min(decoded.outerIpTotalLength(), available);
        packets.add(
            new OuterPacket(ByteBufUtil.getBytes(record.data(), ip, length), record.timestampNs()));
      } else if (result == CaptureReadResult.INTERFACE_STATISTICS) {
        continue;
      } else if (result == CaptureReadResult.NEED_MORE_DATA) {
        reader.finish(in);
        break;
      } else {
        break;
      }
    }
    return packets;
  }
}
