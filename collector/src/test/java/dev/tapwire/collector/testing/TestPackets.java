package dev.tapwire.collector.testing;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4HeaderEncoder;
import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Builders of tunnel packets and collector frames for tests. */
public final class TestPackets {
  private TestPackets() {}

  /**
   * A distinct Ethernet/IPv4/UDP frame: {@code id} goes into the payload, {@code ttl} into the IP
   * header (checksums left as they are, so two copies may differ only there).
   */
  public static byte[] ethernetFrame(int id, int ttl, int payloadBytes) {
    int ipLength = 20 + 8 + payloadBytes;
    ByteBuf b = Unpooled.buffer(14 + ipLength);
    b.writeBytes(new byte[] {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02});
    b.writeShort(0x0800);
    b.writeByte(0x45).writeByte(0).writeShort(ipLength).writeShort(id).writeShort(0);
    b.writeByte(ttl).writeByte(17).writeShort(ttl * 257); // checksum varies with the TTL
    b.writeInt(0xC612_0A01).writeInt(0xC612_0A02); // 198.18.10.1 -> 198.18.10.2
    b.writeShort(1000 + id % 1000).writeShort(2000).writeShort(8 + payloadBytes).writeShort(ttl);
    for (int i = 0; i < payloadBytes; i++) {
      b.writeByte(i == 0 ? id >>> 8 : i == 1 ? id : i);
    }
    return ByteBufUtil.getBytes(b);
  }

  /** GRE + ERSPAN II + {@code inner}: what a raw GRE socket sends. */
  public static byte[] erspanII(long sequence, int session, byte[] inner) {
    ByteBuf b = Unpooled.buffer();
    TunnelEncoder.writeErspanII(b, sequence, session, 0, 0, 0, false, 1);
    b.writeBytes(inner);
    return ByteBufUtil.getBytes(b);
  }

  /** GRE + ERSPAN III (with the full 64-bit capture time) + {@code inner}. */
  public static byte[] erspanIII(
      long sequence, int session, long captureTimeNs, int direction, byte[] inner) {
    ByteBuf b = Unpooled.buffer();
    TunnelEncoder.writeErspanIII(
        b, sequence, session, 0, 0, 0, false, captureTimeNs, 0, direction, 1);
    b.writeBytes(inner);
    return ByteBufUtil.getBytes(b);
  }

  /** VXLAN header + {@code inner}: a VXLAN UDP payload. */
  public static byte[] vxlan(int vni, byte[] inner) {
    ByteBuf b = Unpooled.buffer();
    TunnelEncoder.writeVxlan(b, vni);
    b.writeBytes(inner);
    return ByteBufUtil.getBytes(b);
  }

  /** An IPv4 packet of {@code protocol} around {@code payload}. */
  public static byte[] ipv4(int source, int destination, int protocol, byte[] payload) {
    ByteBuf b = Unpooled.buffer(20 + payload.length);
    Ipv4HeaderEncoder.encode(b, 0, 0, 20 + payload.length, 1, 0, 64, protocol, source, destination);
    b.writerIndex(20);
    b.writeBytes(payload);
    return ByteBufUtil.getBytes(b);
  }

  /** An IPv4 GRE packet around {@code gre}. */
  public static byte[] ipv4Gre(int source, int destination, byte[] gre) {
    return ipv4(source, destination, IpProtocol.GRE, gre);
  }

  /** A frame holding {@code ip} as received on a raw IPv4 socket. */
  public static Frame rawIpv4Frame(FramePools pools, byte[] ip, long receiveTimeNs) {
    Frame frame = pools.take(ip.length);
    frame.buffer().setBytes(0, ip);
    frame.packetLength = ip.length;
    frame.receiveTimeNs = receiveTimeNs;
    frame.origin = Frame.ORIGIN_RAW_IPV4;
    return frame;
  }

  /** 198.18.a.b as an int. */
  public static int address(int a, int b) {
    return 0xC612_0000 | (a << 8) | b;
  }
}
