package dev.tapwire.bench;

import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4HeaderEncoder;
import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds the tunnel packets the benchmarks decode: outer IPv4 + tunnel header + inner frame. */
final class Packets {
  static final int SOURCE = 0xC6120001; // 198.18.0.1
  static final int DESTINATION = 0xC6120002; // 198.18.0.2
  static final long CAPTURE_TIME_NS = 1_795_000_000_123_456_789L;

  private Packets() {}

  static ByteBuf innerFrame(int lengthBytes) {
    ByteBuf frame = Unpooled.directBuffer(lengthBytes);
    for (int i = 0; i < lengthBytes; i++) {
      frame.writeByte(i);
    }
    frame.setShort(12, 0x0800);
    return frame;
  }

  /** IPv4 + GRE + ERSPAN II + frame, as a raw IPv4 socket delivers it. */
  static ByteBuf erspanTwo(int innerBytes) {
    ByteBuf packet = Unpooled.directBuffer(20 + TunnelEncoder.ERSPAN_II_HEADER_LENGTH + innerBytes);
    packet.writerIndex(20);
    TunnelEncoder.writeErspanII(packet, 12_345, 101, 0, 0, 0, false, 7);
    packet.writeBytes(innerFrame(innerBytes));
    writeIpv4(packet);
    return packet;
  }

  /** IPv4 + GRE + ERSPAN III with the 64-bit capture time + frame. */
  static ByteBuf erspanThree(int innerBytes) {
    ByteBuf packet =
        Unpooled.directBuffer(20 + TunnelEncoder.ERSPAN_III_HEADER_LENGTH + innerBytes);
    packet.writerIndex(20);
    TunnelEncoder.writeErspanIII(packet, 12_345, 101, 0, 0, 0, false, CAPTURE_TIME_NS, 1, 0, 3);
    packet.writeBytes(innerFrame(innerBytes));
    writeIpv4(packet);
    return packet;
  }

  private static void writeIpv4(ByteBuf packet) {
    Ipv4HeaderEncoder.encode(
        packet, 0, 0, packet.writerIndex(), 1, 0x4000, 64, IpProtocol.GRE, SOURCE, DESTINATION);
  }
}
