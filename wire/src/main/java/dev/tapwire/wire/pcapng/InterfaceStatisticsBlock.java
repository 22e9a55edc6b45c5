package dev.tapwire.wire.pcapng;

import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;

/**
 * Interface Statistics Block (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.6">draft-ietf-opsawg-pcapng
 * section 4.6</a>): layout, option codes and a little-endian writer.
 */
public final class InterfaceStatisticsBlock {
  public static final int INTERFACE_ID_OFFSET = 8;
  public static final int TIMESTAMP_HIGH_OFFSET = 12;
  public static final int TIMESTAMP_LOW_OFFSET = 16;
  public static final int OPTIONS_OFFSET = 20;

  /** Smallest valid ISB: fixed fields and the trailing length. */
  public static final int MIN_LENGTH = 24;

  public static final int OPTION_START_TIME = 2;
  public static final int OPTION_END_TIME = 3;
  public static final int OPTION_IF_RECV = 4;
  public static final int OPTION_IF_DROP = 5;
  public static final int OPTION_FILTER_ACCEPT = 6;
  public static final int OPTION_OS_DROP = 7;
  public static final int OPTION_USER_DELIVERED = 8;

  private InterfaceStatisticsBlock() {}

  /**
   * Appends an ISB for an interface described with if_tsresol 9. Absent values are left out. The
   * comment string is encoded without allocating.
   */
  public static void write(ByteBuf out, InterfaceStatistics statistics) {
    InterfaceStatistics s = statistics;
    int start = PcapngBlocks.begin(out, PcapngBlockType.INTERFACE_STATISTICS, OPTIONS_OFFSET);
    out.setIntLE(start + INTERFACE_ID_OFFSET, s.interfaceId());
    out.setLongLE(start + TIMESTAMP_HIGH_OFFSET, Long.rotateLeft(s.timestampNs(), 32));
    if (s.startTimeNs() != CaptureRecord.NO_TIMESTAMP) {
      PcapngOptionWriter.writeTimestamp(out, OPTION_START_TIME, s.startTimeNs());
    }
    if (s.endTimeNs() != CaptureRecord.NO_TIMESTAMP) {
      PcapngOptionWriter.writeTimestamp(out, OPTION_END_TIME, s.endTimeNs());
    }
    writeCounter(out, OPTION_IF_RECV, s.receivedPackets());
    writeCounter(out, OPTION_IF_DROP, s.interfaceDroppedPackets());
    writeCounter(out, OPTION_FILTER_ACCEPT, s.filterAcceptedPackets());
    writeCounter(out, OPTION_OS_DROP, s.osDroppedPackets());
    writeCounter(out, OPTION_USER_DELIVERED, s.deliveredPackets());
    if (s.comment() != null) {
      PcapngOptionWriter.writeUtf8(out, PcapngOptionWriter.COMMENT, s.comment());
    }
    PcapngBlocks.end(out, start, start + OPTIONS_OFFSET);
  }

  private static void writeCounter(ByteBuf out, int code, long value) {
    if (value != InterfaceStatistics.ABSENT) {
      PcapngOptionWriter.writeU64(out, code, value);
    }
  }
}
