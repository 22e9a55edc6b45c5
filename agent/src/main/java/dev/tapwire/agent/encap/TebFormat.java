package dev.tapwire.agent.encap;

import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;

/**
 * GRE Transparent Ethernet Bridging (0x6558) with the session id as key and a sequence number. TEB
 * has no truncation flag or timestamp: a truncated frame is just shorter.
 */
public final class TebFormat implements TunnelFormat {
  private static final int HEADER_BYTES = TunnelEncoder.greTebHeaderLength(true, true);

  @Override
  public int ipProtocol() {
    return 47;
  }

  @Override
  public int headerBytes() {
    return HEADER_BYTES;
  }

  @Override
  public void writeHeader(ByteBuf out, FrameFields frame) {
    TunnelEncoder.writeGreTeb(out, true, frame.sessionId, true, frame.sequence);
  }
}
