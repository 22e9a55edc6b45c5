package dev.tapwire.wire.tunnel.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Builds outer headers around tunnel payloads for tests. Addresses come from the documentation
 * ranges 198.18.0.0/15 and 2001:db8::/32.
 */
public final class TestPackets {
  public static final byte[] IPV4_SOURCE = {(byte) 198, 18, 0, 1};
  public static final byte[] IPV4_DESTINATION = {(byte) 198, 18, 0, 2};
  public static final byte[] IPV6_SOURCE = hex("20010db8000000000000000000000001");
  public static final byte[] IPV6_DESTINATION = hex("20010db8000000000000000000000002");

  private TestPackets() {}

  public static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The bytes an encoder writes into a fresh buffer. */
  public static byte[] encode(Consumer<ByteBuf> encoder) {
    ByteBuf buf = Unpooled.buffer();
    encoder.accept(buf);
    return ByteBufUtil.getBytes(buf);
  }

  /** A recognisable inner Ethernet frame of {@code length} (&gt;= 14) bytes, IPv4 ethertype. */
  public static byte[] innerFrame(int length) {
    byte[] frame = new byte[length];
    byte[] header = hex("020000000001 020000000002 0800");
    System.arraycopy(header, 0, frame, 0, Math.min(header.length, length));
    for (int i = header.length; i < length; i++) {
      frame[i] = (byte) (i * 7 + 1);
    }
    return frame;
  }

  /** An inner IPv4 packet (20-byte header + payload) of {@code length} bytes. */
  public static byte[] innerIpv4(int length) {
    byte[] packet = ipv4Header(17, length - 20, hex("0a000001"), hex("0a000002"));
    return concat(packet, new byte[length - 20]);
  }

  /** An inner IPv6 packet of {@code length} (&gt;= 40) bytes. */
  public static byte[] innerIpv6(int length) {
    return concat(ipv6Header(59, length - 40), new byte[length - 40]);
  }

  public static byte[] ipv4(int protocol, byte[] payload) {
    return concat(ipv4Header(protocol, payload.length, IPV4_SOURCE, IPV4_DESTINATION), payload);
  }

  private static byte[] ipv4Header(int protocol, int payloadLength, byte[] src, byte[] dst) {
    int total = 20 + payloadLength;
    byte[] h = new byte[20];
    h[0] = 0x45;
    h[2] = (byte) (total >>> 8);
    h[3] = (byte) total;
    h[4] = 0x12;
    h[5] = 0x34;
    h[6] = 0x40; // DF
    h[8] = 64;
    h[9] = (byte) protocol;
    System.arraycopy(src, 0, h, 12, 4);
    System.arraycopy(dst, 0, h, 16, 4);
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += (h[i] & 0xFF) << 8 | (h[i + 1] & 0xFF);
    }
    sum = (sum & 0xFFFF) + (sum >>> 16);
    sum = ~((sum & 0xFFFF) + (sum >>> 16));
    h[10] = (byte) (sum >>> 8);
    h[11] = (byte) sum;
    return h;
  }

  public static byte[] ipv6(int nextHeader, byte[] payload) {
    return concat(ipv6Header(nextHeader, payload.length), payload);
  }

  private static byte[] ipv6Header(int nextHeader, int payloadLength) {
    byte[] h = new byte[40];
    h[0] = 0x60;
    h[4] = (byte) (payloadLength >>> 8);
    h[5] = (byte) payloadLength;
    h[6] = (byte) nextHeader;
    h[7] = 64;
    System.arraycopy(IPV6_SOURCE, 0, h, 8, 16);
    System.arraycopy(IPV6_DESTINATION, 0, h, 24, 16);
    return h;
  }

  /** A generic IPv6 extension header (hop-by-hop, routing, destination options) of 8·n bytes. */
  public static byte[] ipv6Extension(int nextHeader, int lengthIn8Octets) {
    byte[] h = new byte[lengthIn8Octets * 8];
    h[0] = (byte) nextHeader;
    h[1] = (byte) (lengthIn8Octets - 1);
    if (h.length >= 4) {
      h[2] = 1; // PadN option, so the options area parses
      h[3] = (byte) (h.length - 4);
    }
    return h;
  }

  public static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
    int length = 8 + payload.length;
    byte[] h = {
      (byte) (sourcePort >>> 8),
      (byte) sourcePort,
      (byte) (destinationPort >>> 8),
      (byte) destinationPort,
      (byte) (length >>> 8),
      (byte) length,
      0,
      0
    };
    return concat(h, payload);
  }

  public static byte[] ethernet(int etherType, byte[] payload) {
    byte[] h = hex("00000c000001 00000c000002 0000");
    h[12] = (byte) (etherType >>> 8);
    h[13] = (byte) etherType;
    return concat(h, payload);
  }

  /** A buffer holding {@code packet} at offset {@code 3} whose capacity ends with the packet. */
  public static ByteBuf atOffset3(byte[] packet) {
    byte[] backing = new byte[3 + packet.length];
    backing[0] = 0x45; // junk before the packet must never be read as part of it
    backing[1] = 0x47;
    backing[2] = 0x11;
    System.arraycopy(packet, 0, backing, 3, packet.length);
    return Unpooled.wrappedBuffer(backing);
  }
}
