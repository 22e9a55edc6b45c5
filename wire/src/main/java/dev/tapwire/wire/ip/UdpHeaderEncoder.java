package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/**
 * Writes a UDP header (RFC 768) at an absolute offset of a caller buffer, with the checksum over
 * the IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) pseudo-header, or without a checksum (zero, IPv4
 * only).
 *
 * <p>The checksum covers the payload, so the payload must already be in place: {@code lengthBytes}
 * bytes starting at the header.
 */
public final class UdpHeaderEncoder {
  /** Bytes written by the encode methods. */
  public static final int LENGTH = UdpHeader.LENGTH;

  private UdpHeaderEncoder() {}

  /**
   * Writes the header with a zero checksum ("no checksum", allowed over IPv4 only).
   *
   * @param lengthBytes the UDP length: header plus payload
   * @return {@link #LENGTH}
   */
  public static int encode(
      ByteBuf buf, int offset, int sourcePort, int destinationPort, int lengthBytes) {
    if (offset < 0 || offset > buf.capacity() - LENGTH) {
      throw new IndexOutOfBoundsException(
          "UDP header at " + offset + " does not fit capacity " + buf.capacity());
    }
    buf.setShort(offset + UdpHeader.SOURCE_PORT_OFFSET, sourcePort);
    buf.setShort(offset + UdpHeader.DESTINATION_PORT_OFFSET, destinationPort);
    buf.setShort(offset + UdpHeader.LENGTH_OFFSET, lengthBytes);
    buf.setShort(offset + UdpHeader.CHECKSUM_OFFSET, 0);
    return LENGTH;
  }

  /**
   * Writes the header and the checksum over the IPv4 pseudo-header (source, destination, zero,
   * protocol 17, UDP length), the header and the payload.
   *
   * @return {@link #LENGTH}
   */
  public static int encodeIpv4(
      ByteBuf buf,
      int offset,
      int sourcePort,
      int destinationPort,
      int lengthBytes,
      int sourceAddress,
      int destinationAddress) {
    checkPayload(buf, offset, lengthBytes);
    encode(buf, offset, sourcePort, destinationPort, lengthBytes);
    long sum = InternetChecksum.sumInt(sourceAddress, 0);
    sum = InternetChecksum.sumInt(destinationAddress, sum);
    sum += IpProtocol.UDP + lengthBytes;
    setChecksum(buf, offset, lengthBytes, sum);
    return LENGTH;
  }

  /**
   * Writes the header and the checksum over the IPv6 pseudo-header (source, destination, 32-bit
   * upper-layer length, 24 zero bits, next header 17), the header and the payload.
   *
   * @param sourceAddress and {@code destinationAddress}: 16 bytes each
   * @return {@link #LENGTH}
   */
  public static int encodeIpv6(
      ByteBuf buf,
      int offset,
      int sourcePort,
      int destinationPort,
      int lengthBytes,
      byte[] sourceAddress,
      byte[] destinationAddress) {
    Ipv6HeaderEncoder.checkAddress("sourceAddress", sourceAddress);
    Ipv6HeaderEncoder.checkAddress("destinationAddress", destinationAddress);
    checkPayload(buf, offset, lengthBytes);
    encode(buf, offset, sourcePort, destinationPort, lengthBytes);
    long sum = sumAddress(sourceAddress, 0);
    sum = sumAddress(destinationAddress, sum);
    sum += IpProtocol.UDP + lengthBytes;
    setChecksum(buf, offset, lengthBytes, sum);
    return LENGTH;
  }

  private static void setChecksum(ByteBuf buf, int offset, int lengthBytes, long pseudoSum) {
    int checksum =
        InternetChecksum.finish(InternetChecksum.sum(buf, offset, lengthBytes, pseudoSum));
    // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
    buf.setShort(offset + UdpHeader.CHECKSUM_OFFSET, checksum == 0 ? 0xFFFF : checksum);
  }

  private static long sumAddress(byte[] address, long sum) {
    long acc = sum;
    for (int i = 0; i < address.length; i += 2) {
      acc += ((address[i] & 0xFF) << 8) | (address[i + 1] & 0xFF);
    }
    return acc;
  }

  private static void checkPayload(ByteBuf buf, int offset, int lengthBytes) {
    if (lengthBytes < LENGTH || lengthBytes > 0xFFFF) {
      throw new IllegalArgumentException("UDP lengthBytes out of range: " + lengthBytes);
    }
    if (offset < 0 || offset > buf.capacity() - lengthBytes) {
      throw new IndexOutOfBoundsException(
          "UDP datagram of "
              + lengthBytes
              + " bytes at "
              + offset
              + " does not fit capacity "
              + buf.capacity());
    }
  }
}
