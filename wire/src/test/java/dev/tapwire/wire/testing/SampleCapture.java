package dev.tapwire.wire.testing;

import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcapng.EnhancedPacketBlock;
import dev.tapwire.wire.pcapng.EpbFlags;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import dev.tapwire.wire.pcapng.InterfaceDescriptionBlock;
import dev.tapwire.wire.pcapng.InterfaceStatistics;
import dev.tapwire.wire.pcapng.InterfaceStatisticsBlock;
import dev.tapwire.wire.pcapng.SectionHeaderBlock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * A pcapng file shaped like what the collector writes: several interfaces named after their source,
 * EPBs with nanosecond times, direction flags, drop counts, comments and a custom option, and one
 * ISB per interface at the end. Also the expectations for reading it back.
 */
public final class SampleCapture {
  /** The IANA example Private Enterprise Number, used for the custom option. */
  public static final int EXAMPLE_PEN = 32473;

  public static final List<InterfaceDescription> INTERFACES =
      List.of(
          InterfaceDescription.builder(LinkType.ETHERNET, 262_144)
              .name("agent-a/eth0")
              .description("agent-a capture of eth0")
              .filter("not ip proto 47")
              .os("Linux 6.1")
              .hardware("virtio")
              .speedBitsPerSecond(10_000_000_000L)
              .build(),
          InterfaceDescription.builder(LinkType.ETHERNET, 65_535)
              .name("198.18.1.1/erspan-101")
              .description("198.18.1.1 -> 198.18.0.1 ERSPAN II session 101")
              .build(),
          InterfaceDescription.builder(LinkType.ETHERNET, 1_518).name("agent-b/eth1").build());

  /**
   * One packet of the sample.
   *
   * @param dropCount -1 for none
   * @param comment null for none
   */
  public record Packet(
      int interfaceId,
      long timestampNs,
      byte[] frame,
      int originalLength,
      int flags,
      long dropCount,
      String comment,
      boolean custom) {}

  public static final long FIRST_TIMESTAMP_NS = 1_700_000_000_123_456_789L;

  private SampleCapture() {}

  /** The packets, in file order. */
  public static List<Packet> packets() {
    List<Packet> packets = new ArrayList<>();
    int[] lengths = {60, 61, 62, 63, 64, 1514, 98, 42, 1000};
    for (int i = 0; i < lengths.length; i++) {
      int interfaceId = i % INTERFACES.size();
      int flags = i % 3 == 0 ? EpbFlags.INBOUND : i % 3 == 1 ? EpbFlags.OUTBOUND : 0;
      if (i == 4) {
        flags |= EpbFlags.CRC_ERROR;
      }
      long dropCount = i % 4 == 1 ? i * 10L : -1;
      String comment =
          switch (i) {
            case 0 -> "first packet";
            case 5 -> "seq gap before this one; naïve über-comment ✓";
            default -> null;
          };
      packets.add(
          new Packet(
              interfaceId,
              FIRST_TIMESTAMP_NS + i * 1_000_001L + (i == 8 ? 999_999_998L : 0),
              frame(i, lengths[i]),
              i == 6 ? 1514 : lengths[i],
              flags,
              dropCount,
              comment,
              i == 2));
    }
    return packets;
  }

  /** Statistics written at the end, one per interface. */
  public static InterfaceStatistics statistics(int interfaceId) {
    return new InterfaceStatistics()
        .reset(interfaceId, FIRST_TIMESTAMP_NS + 10_000_000_000L)
        .startTimeNs(FIRST_TIMESTAMP_NS)
        .endTimeNs(FIRST_TIMESTAMP_NS + 9_999_999_999L)
        .receivedPackets(100 + interfaceId)
        .interfaceDroppedPackets(interfaceId)
        .osDroppedPackets(7)
        .deliveredPackets(93 + interfaceId)
        .comment("final statistics of interface " + interfaceId);
  }

  /** The whole file. */
  public static ByteBuf write() {
    ByteBuf out = Unpooled.buffer();
    SectionHeaderBlock.write(out, "x86_64", "Linux", "tapwire test");
    for (InterfaceDescription description : INTERFACES) {
      InterfaceDescriptionBlock.write(out, description);
    }
    for (Packet p : packets()) {
      ByteBuf frame = Unpooled.wrappedBuffer(p.frame());
      int block =
          EnhancedPacketBlock.begin(
              out,
              p.interfaceId(),
              p.timestampNs(),
              frame,
              0,
              p.frame().length,
              p.originalLength());
      if (p.flags() != 0) {
        EnhancedPacketBlock.writeFlags(out, p.flags());
      }
      if (p.dropCount() >= 0) {
        EnhancedPacketBlock.writeDropCount(out, p.dropCount());
      }
      if (p.comment() != null) {
        EnhancedPacketBlock.writeComment(out, p.comment());
      }
      if (p.custom()) {
        EnhancedPacketBlock.writeCustom(
            out, EXAMPLE_PEN, Unpooled.wrappedBuffer(erspanMetadata()), 0, 8);
      }
      EnhancedPacketBlock.end(out, block);
    }
    for (int i = 0; i < INTERFACES.size(); i++) {
      InterfaceStatisticsBlock.write(out, statistics(i));
    }
    return out;
  }

  /** Raw ERSPAN II header bytes carried in the custom option. */
  public static byte[] erspanMetadata() {
    return new byte[] {0x10, 0x00, 0x00, 0x65, 0x00, 0x00, 0x00, 0x07};
  }

  /**
   * An Ethernet frame with locally administered MACs and the local-experimental EtherType 0x88B5,
   * so no dissector reads meaning into the filler.
   */
  public static byte[] frame(int index, int length) {
    byte[] frame = new byte[length];
    byte[] header = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, (byte) 0x88, (byte) 0xB5};
    System.arraycopy(header, 0, frame, 0, Math.min(header.length, length));
    for (int i = header.length; i < length; i++) {
      frame[i] = (byte) (index * 31 + i);
    }
    return frame;
  }
}
