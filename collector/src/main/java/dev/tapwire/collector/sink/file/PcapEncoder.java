package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcap.PcapFormat;
import dev.tapwire.wire.pcap.PcapWriter;
import io.netty.buffer.ByteBuf;

/**
 * Classic pcap, nanosecond resolution, one link type per file: Ethernet. Frames of any other link
 * type are refused ({@code link_type_unsupported}); pcapng has no such limit.
 */
final class PcapEncoder implements CaptureEncoder {
  static final int SNAP_LEN_BYTES = 262_144;

  private final PcapWriter writer = new PcapWriter(LinkType.ETHERNET, SNAP_LEN_BYTES);

  @Override
  public void beginFile(ByteBuf out) {
    writer.writeHeader(out);
  }

  @Override
  public String unsupportedReason(Frame frame) {
    return frame.innerLinkType == LinkType.ETHERNET ? null : FileSinkCounters.LINK_TYPE_UNSUPPORTED;
  }

  @Override
  public int encodedBytesBound(Frame frame) {
    return PcapFormat.RECORD_HEADER_LENGTH + frame.innerLength;
  }

  @Override
  public void encode(ByteBuf out, Frame frame) {
    writer.writeRecord(
        out,
        frame.captureTimeNs,
        frame.buffer(),
        frame.innerOffset,
        frame.innerLength,
        FrameLengths.originalLength(frame));
  }

  @Override
  public void countDropped(Frame frame) {}

  @Override
  public int encodeClosing(ByteBuf out, int from, long nowEpochNs) {
    return -1;
  }

  @Override
  public void commit() {}

  @Override
  public void rollback() {}
}
