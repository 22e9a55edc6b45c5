package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/** Writes the 40-byte IPv6 fixed header (RFC 8200 §3) at an absolute offset of a caller buffer. */
public final class Ipv6HeaderEncoder {
  /** Bytes written by {@link #encode}. */
  public static final int LENGTH = Ipv6Header.LENGTH;

  private Ipv6HeaderEncoder() {}

  /**
   * Writes the header; nothing is written if it does not fit in the buffer's capacity.
   *
   * @param trafficClass DSCP and ECN (8 bits)
   * @param flowLabel 20 bits
   * @param payloadLengthBytes bytes after this header (extension headers included)
   * @param sourceAddress and {@code destinationAddress}: 16 bytes each, network order
   * @return {@link #LENGTH}
   * @throws IllegalArgumentException if an address is not 16 bytes long
   * @throws IndexOutOfBoundsException if the header does not fit
   */
  public static int encode(
      ByteBuf buf,
      int offset,
      int trafficClass,
      int flowLabel,
      int payloadLengthBytes,
      int nextHeader,
      int hopLimit,
      byte[] sourceAddress,
      byte[] destinationAddress) {
    checkAddress("sourceAddress", sourceAddress);
    checkAddress("destinationAddress", destinationAddress);
    if (offset < 0 || offset > buf.capacity() - LENGTH) {
      throw new IndexOutOfBoundsException(
          "IPv6 header at " + offset + " does not fit capacity " + buf.capacity());
    }
    int firstWord =
        (Ipv6Header.VERSION << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF);
    buf.setInt(offset, firstWord);
    buf.setShort(offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET, payloadLengthBytes);
    buf.setByte(offset + Ipv6Header.NEXT_HEADER_OFFSET, nextHeader);
    buf.setByte(offset + Ipv6Header.HOP_LIMIT_OFFSET, hopLimit);
    buf.setBytes(offset + Ipv6Header.SOURCE_OFFSET, sourceAddress);
    buf.setBytes(offset + Ipv6Header.DESTINATION_OFFSET, destinationAddress);
    return LENGTH;
  }

  static void checkAddress(String name, byte[] address) {
    if (address.length != Ipv6Header.ADDRESS_LENGTH) {
      throw new IllegalArgumentException(
          name + " must be " + Ipv6Header.ADDRESS_LENGTH + " bytes, got " + address.length);
    }
  }
}
