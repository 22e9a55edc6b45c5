package dev.tapwire.agent.encap;

import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;

/**
 * GRE (with sequence number) + ERSPAN Type III with Gra=3 and the platform sub-header id 3, which
 * together carry the full 64-bit capture time in nanoseconds. VLAN and CoS come from the frame's
 * tag (metadata only); BSO is 0 (libpcap reports no frame errors); the hardware id is 0 and the
 * port index is the interface index.
 */
public final class Erspan3Format implements TunnelFormat {
  @Override
  public int ipProtocol() {
    return 47;
  }

  @Override
  public int headerBytes() {
    return TunnelEncoder.ERSPAN_III_HEADER_LENGTH;
  }

  @Override
  public void writeHeader(ByteBuf out, FrameFields frame) {
    TunnelEncoder.writeErspanIII(
        out,
        frame.sequence,
        frame.sessionId,
        frame.vlan,
        frame.cos,
        0,
        frame.truncated,
        frame.captureTimeNs,
        0,
        frame.direction,
        frame.interfaceIndex & 0x3fff);
  }
}
