package dev.tapwire.cli.decap;

import dev.tapwire.wire.pcapng.EnhancedPacketBlock;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import dev.tapwire.wire.pcapng.InterfaceDescriptionBlock;
import dev.tapwire.wire.pcapng.InterfaceStatistics;
import dev.tapwire.wire.pcapng.InterfaceStatisticsBlock;
import dev.tapwire.wire.pcapng.SectionHeaderBlock;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Collection;

/**
 * Writes a pcapng section with one interface per tunnel stream (declared before the stream's first
 * frame), nanosecond timestamps, direction flags, sequence gaps as {@code epb_dropcount}, and a
 * statistics block per stream at the end.
 */
final class PcapngFrameOutput implements FrameOutput {
  static final int SNAP_LEN_BYTES = 262_144;

  private final OutputChannel out;
  private final InterfaceStatistics statistics = new InterfaceStatistics();
  private int nextInterfaceId;

  PcapngFrameOutput(OutputChannel out, String userApplication) throws IOException {
    this.out = out;
    SectionHeaderBlock.write(
        out.buffer(),
        null,
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        userApplication);
  }

  @Override
  public boolean write(
      DecapStream stream,
      long timestampNs,
      ByteBuf data,
      int offset,
      int length,
      int originalLength,
      int direction,
      long dropCount)
      throws IOException {
    ByteBuf buffer = out.buffer();
    if (stream.interfaceId < 0) {
      stream.interfaceId = nextInterfaceId++;
      InterfaceDescriptionBlock.write(
          buffer,
          InterfaceDescription.builder(stream.key().innerLinkType(), SNAP_LEN_BYTES)
              .name(stream.interfaceName())
              .description(stream.interfaceDescription())
              .build());
    }
    int block =
        EnhancedPacketBlock.begin(
            buffer, stream.interfaceId, timestampNs, data, offset, length, originalLength);
    if (direction != 0) {
      EnhancedPacketBlock.writeFlags(buffer, direction);
    }
    if (dropCount > 0) {
      EnhancedPacketBlock.writeDropCount(buffer, dropCount);
    }
    EnhancedPacketBlock.end(buffer, block);
    out.maybeFlush();
    return true;
  }

  @Override
  public void finish(Collection<DecapStream> streams) throws IOException {
    for (DecapStream stream : streams) {
      if (stream.interfaceId < 0) {
        continue;
      }
      statistics
          .reset(stream.interfaceId, stream.lastTimestampNs)
          .startTimeNs(stream.firstTimestampNs)
          .endTimeNs(stream.lastTimestampNs)
          .receivedPackets(stream.frames)
          .interfaceDroppedPackets(stream.sequence.missing());
      InterfaceStatisticsBlock.write(out.buffer(), statistics);
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
