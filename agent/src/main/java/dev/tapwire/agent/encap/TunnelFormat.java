package dev.tapwire.agent.encap;

import io.netty.buffer.ByteBuf;

/**
 * One encapsulation: the bytes written in front of each frame (the kernel adds the outer IP header)
 * and the IP protocol they travel in.
 */
public interface TunnelFormat {
  /** IP protocol of the packets: 47 (GRE) or 17 (UDP). */
  int ipProtocol();

  /** Bytes written in front of every frame. */
  int headerBytes();

  /** Writes the header at {@code out}'s writer index ({@link #headerBytes} bytes). */
  void writeHeader(ByteBuf out, FrameFields frame);

  /** Completes a packet of {@code length} bytes at index 0 once the frame follows the header. */
  default void finish(ByteBuf packet, int length) {}
}
