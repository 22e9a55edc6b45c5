package dev.tapwire.cli.decap;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Collection;

/** Where decapsulated frames go: a pcapng or a pcap file. */
interface FrameOutput extends AutoCloseable {

  /**
   * Writes one inner frame.
   *
   * @param direction a pcapng epb_flags direction value (0 unknown, 1 inbound, 2 outbound)
   * @param dropCount frames lost right before this one on its stream, or 0
   * @return false when the format cannot hold this frame's link type (the caller counts it)
   */
  boolean write(
      DecapStream stream,
      long timestampNs,
      ByteBuf data,
      int offset,
      int length,
      int originalLength,
      int direction,
      long dropCount)
      throws IOException;

  /** Writes end-of-capture statistics for every stream, then flushes. */
  void finish(Collection<DecapStream> streams) throws IOException;

  @Override
  void close() throws IOException;
}
