package dev.tapwire.cli.decap;

import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcap.PcapWriter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Collection;

/**
 * Writes a nanosecond pcap of Ethernet frames. A pcap file has a single link type, so inner frames
 * that are IP packets (GRE-in-UDP carrying IPv4, ERSPAN III frame type 2) cannot be written; the
 * caller counts them.
 */
final class PcapFrameOutput implements FrameOutput {
  private final OutputChannel out;
  private final PcapWriter writer = new PcapWriter(LinkType.ETHERNET, 262_144);

  PcapFrameOutput(OutputChannel out) {
    this.out = out;
    writer.writeHeader(out.buffer());
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
    if (stream.key().innerLinkType() != LinkType.ETHERNET) {
      return false;
    }
    writer.writeRecord(out.buffer(), timestampNs, data, offset, length, originalLength);
    out.maybeFlush();
    return true;
  }

  @Override
  public void finish(Collection<DecapStream> streams) throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
