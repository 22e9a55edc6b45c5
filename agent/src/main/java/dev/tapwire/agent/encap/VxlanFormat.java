package dev.tapwire.agent.encap;

import dev.tapwire.wire.ip.InternetChecksum;
import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * UDP + VXLAN (VNI = session id), sent on a raw UDP socket so that the source port can follow the
 * inner flow (see {@link FlowHash}). The UDP checksum is 0 over IPv4, as RFC 7348 §5 recommends;
 * over IPv6 it is computed (receivers such as Linux drop zero-checksum IPv6 UDP by default), which
 * needs the source address the kernel will use. VXLAN has no sequence number, truncation flag or
 * timestamp.
 */
public final class VxlanFormat implements TunnelFormat {
  private static final int UDP_HEADER_BYTES = 8;
  private static final int UDP_PROTOCOL = 17;

  private final int destinationPort;
  private final long pseudoHeaderSum;
  private final boolean ipv6;

  /**
   * @param destinationPort the collector's VXLAN port
   * @param source the packets' source address (only needed for IPv6, else may be null)
   * @param destination the collector's address
   */
  public VxlanFormat(int destinationPort, InetAddress source, InetAddress destination) {
    this.destinationPort = destinationPort;
    this.ipv6 = destination instanceof Inet6Address;
    if (ipv6 && !(source instanceof Inet6Address)) {
      throw new IllegalArgumentException("VXLAN over IPv6 needs the IPv6 source address");
    }
    this.pseudoHeaderSum = ipv6 ? addressSum(source) + addressSum(destination) + UDP_PROTOCOL : 0;
  }

  @Override
  public int ipProtocol() {
    return UDP_PROTOCOL;
  }

  @Override
  public int headerBytes() {
    return UDP_HEADER_BYTES + TunnelEncoder.VXLAN_HEADER_LENGTH;
  }

  @Override
  public void writeHeader(ByteBuf out, FrameFields frame) {
    out.writeShort(frame.flowSourcePort);
    out.writeShort(destinationPort);
    out.writeShort(0); // length, set in finish
    out.writeShort(0); // checksum
    TunnelEncoder.writeVxlan(out, frame.sessionId);
  }

  @Override
  public void finish(ByteBuf packet, int length) {
    packet.setShort(4, length);
    if (ipv6) {
      long sum = InternetChecksum.sum(packet, 0, length, pseudoHeaderSum + length);
      int checksum = InternetChecksum.finish(sum);
      packet.setShort(6, checksum == 0 ? 0xffff : checksum);
    }
  }

  private static long addressSum(InetAddress address) {
    ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
    long sum = 0;
    while (bytes.remaining() >= 4) {
      sum += bytes.getInt() & 0xffffffffL;
    }
    return sum;
  }
}
