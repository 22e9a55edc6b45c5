package dev.tapwire.agent.encap;

import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;

/**
 * GRE (with sequence number) + ERSPAN Type II. En is 3 ("VLAN tag preserved in frame", as Linux
 * writes it) for a tagged frame, else 0; VLAN and CoS come from the tag; the index is the interface
 * index. Type II has no timestamp: the capture time does not travel.
 */
public final class Erspan2Format implements TunnelFormat {
  private static final int EN_UNTAGGED = 0;
  private static final int EN_TAG_IN_FRAME = 3;

  @Override
  public int ipProtocol() {
    return 47;
  }

  @Override
  public int headerBytes() {
    return TunnelEncoder.ERSPAN_II_HEADER_LENGTH;
  }

  @Override
  public void writeHeader(ByteBuf out, FrameFields frame) {
    TunnelEncoder.writeErspanII(
        out,
        frame.sequence,
        frame.sessionId,
        frame.vlan,
        frame.cos,
        frame.tagged ? EN_TAG_IN_FRAME : EN_UNTAGGED,
        frame.truncated,
        frame.interfaceIndex & 0xfffff);
  }
}
