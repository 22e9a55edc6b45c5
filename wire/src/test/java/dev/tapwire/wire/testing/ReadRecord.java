package dev.tapwire.wire.testing;

import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * An immutable copy of a {@link CaptureRecord}, for assertions after reading a whole file.
 *
 * @param comments opt_comment values of a pcapng record, in order (empty for pcap)
 */
public record ReadRecord(
    int linkType,
    int interfaceId,
    long timestampNs,
    int capturedLength,
    int originalLength,
    String dataHex,
    int flags,
    long dropCount,
    List<String> comments) {

  static ReadRecord copyOf(CaptureRecord record, List<String> comments) {
    return new ReadRecord(
        record.linkType(),
        record.interfaceId(),
        record.timestampNs(),
        record.capturedLength(),
        record.originalLength(),
        ByteBufUtil.hexDump(record.data(), record.dataOffset(), record.capturedLength()),
        record.flags(),
        record.dropCount(),
        comments);
  }
}
