package dev.tapwire.agent.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * The Ethernet and outer IP header the kernel would put in front of a tunnel packet, written by the
 * agent instead: a template fixed per next hop, with only the length (and, for IPv4, the header
 * checksum) computed per packet. The fields are those of the kernel's raw socket today: IPv4 with
 * DF set, TOS 0 and the socket's TTL; IPv6 with traffic class 0 and the socket's hop limit. Packets
 * never exceed the interface MTU on this path, so DF always holds. Owned by the send thread.
 *
 * <p>As the kernel does for a raw socket: IPv4 identification counts up per packet from a random
 * start (Linux gives DF packets of an unconnected socket a per-destination counter); IPv6 packets
 * carry one random, non-zero flow label for the whole flow (the kernel's automatic flow label).
 */
final class OuterHeaders implements AutoCloseable {
  static final int ETHERNET_BYTES = 14;
  static final int ETHERTYPE_IPV4 = 0x0800;
  static final int ETHERTYPE_IPV6 = 0x86dd;

  private static final ValueLayout.OfShort BE_SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final Arena arena = Arena.ofShared();
  private final boolean v4;
  private final int ipProtocol;
  private final int ipHeaderBytes;
  private final MemorySegment template;
  private final int flowLabel;
  private int partialChecksum;
  private int identification;

  OuterHeaders(boolean v4, int ipProtocol) {
    this.v4 = v4;
    this.ipProtocol = ipProtocol;
    this.ipHeaderBytes = v4 ? 20 : 40;
    this.template = arena.allocate(ETHERNET_BYTES + ipHeaderBytes);
    java.util.random.RandomGenerator random = new java.security.SecureRandom();
    this.identification = random.nextInt(1 << 16);
    this.flowLabel = 1 + random.nextInt((1 << 20) - 1);
  }

  /** Ethernet plus IP header bytes. */
  int bytes() {
    return ETHERNET_BYTES + ipHeaderBytes;
  }

  /** The EtherType of the frames. */
  int etherType() {
    return v4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
  }

  /** Sets the template for one next hop. */
  void configure(
      byte[] destinationMac,
      byte[] sourceMac,
      InetAddress source,
      InetAddress destination,
      int hopLimit) {
    if ((source instanceof Inet4Address) != v4 || (destination instanceof Inet4Address) != v4) {
      throw new IllegalArgumentException("addresses of the wrong IP version");
    }
    template.fill((byte) 0);
    MemorySegment.copy(destinationMac, 0, template, JAVA_BYTE, 0, 6);
    MemorySegment.copy(sourceMac, 0, template, JAVA_BYTE, 6, 6);
    template.set(BE_SHORT, 12, (short) etherType());
    int ip = ETHERNET_BYTES;
    byte[] src = source.getAddress();
    byte[] dst = destination.getAddress();
    if (v4) {
      template.set(JAVA_BYTE, ip, (byte) 0x45);
      template.set(BE_SHORT, ip + 6, (short) 0x4000);
      template.set(JAVA_BYTE, ip + 8, (byte) hopLimit);
      template.set(JAVA_BYTE, ip + 9, (byte) ipProtocol);
      MemorySegment.copy(src, 0, template, JAVA_BYTE, ip + 12, 4);
      MemorySegment.copy(dst, 0, template, JAVA_BYTE, ip + 16, 4);
      int sum = 0;
      for (int i = 0; i < 20; i += 2) {
        sum += template.get(BE_SHORT, ip + i) & 0xffff;
      }
      partialChecksum = sum;
    } else {
      template.set(
          ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN),
          ip,
          0x6000_0000 | flowLabel);
      template.set(JAVA_BYTE, ip + 6, (byte) ipProtocol);
      template.set(JAVA_BYTE, ip + 7, (byte) hopLimit);
      MemorySegment.copy(src, 0, template, JAVA_BYTE, ip + 8, 16);
      MemorySegment.copy(dst, 0, template, JAVA_BYTE, ip + 24, 16);
    }
  }

  /**
   * Writes the headers at the start of {@code frame} for a tunnel packet of {@code payloadBytes}
   * that follows them; returns the frame's length.
   */
  int write(MemorySegment frame, int payloadBytes) {
    MemorySegment.copy(template, 0, frame, 0, template.byteSize());
    int ip = ETHERNET_BYTES;
    if (v4) {
      int totalLength = 20 + payloadBytes;
      frame.set(BE_SHORT, ip + 2, (short) totalLength);
      int id = identification;
      identification = (id + 1) & 0xffff;
      frame.set(BE_SHORT, ip + 4, (short) id);
      int sum = partialChecksum + totalLength + id;
      sum = (sum & 0xffff) + (sum >>> 16);
      sum = (sum & 0xffff) + (sum >>> 16);
      frame.set(BE_SHORT, ip + 10, (short) ~sum);
    } else {
      frame.set(BE_SHORT, ip + 4, (short) payloadBytes);
    }
    return ETHERNET_BYTES + ipHeaderBytes + payloadBytes;
  }

  @Override
  public void close() {
    arena.close();
  }
}
