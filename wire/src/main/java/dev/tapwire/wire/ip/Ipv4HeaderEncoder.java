package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/**
 * Writes an option-less 20-byte IPv4 header (RFC 791 §3.1) at an absolute offset of a caller
 * buffer, and maintains its header checksum.
 *
 * <p>A sender that reuses a header template changes only the total length and identification per
 * packet: {@link #setTotalLengthAndIdentification} updates the checksum incrementally (RFC 1624).
 */
public final class Ipv4HeaderEncoder {
  /** Bytes written by {@link #encode}. */
  public static final int LENGTH = Ipv4Header.MIN_LENGTH;

  private static final int VERSION_IHL = (Ipv4Header.VERSION << 4) | (LENGTH / 4);

  private Ipv4HeaderEncoder() {}

  /**
   * Writes the header and its checksum at {@code offset}; nothing is written if the 20 bytes do not
   * fit in the buffer's capacity.
   *
   * @param dscpEcn the second byte (DSCP in the upper 6 bits, ECN in the lower 2)
   * @param flagsAndFragmentOffset the 16-bit word with {@link Ipv4Header#FLAG_DONT_FRAGMENT},
   *     {@link Ipv4Header#FLAG_MORE_FRAGMENTS} and the offset in 8-byte units
   * @param sourceAddress and {@code destinationAddress} as big-endian 32-bit values
   * @return {@link #LENGTH}
   * @throws IndexOutOfBoundsException if the header does not fit
   */
  public static int encode(
      ByteBuf buf,
      int offset,
      int dscpEcn,
      int totalLengthBytes,
      int identification,
      int flagsAndFragmentOffset,
      int ttl,
      int protocol,
      int sourceAddress,
      int destinationAddress) {
    if (offset < 0 || offset > buf.capacity() - LENGTH) {
      throw new IndexOutOfBoundsException(
          "IPv4 header at " + offset + " does not fit capacity " + buf.capacity());
    }
    buf.setByte(offset, VERSION_IHL);
    buf.setByte(offset + 1, dscpEcn);
    buf.setShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, totalLengthBytes);
    buf.setShort(offset + Ipv4Header.IDENTIFICATION_OFFSET, identification);
    buf.setShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, flagsAndFragmentOffset);
    buf.setByte(offset + Ipv4Header.TTL_OFFSET, ttl);
    buf.setByte(offset + Ipv4Header.PROTOCOL_OFFSET, protocol);
    buf.setShort(offset + Ipv4Header.CHECKSUM_OFFSET, 0);
    buf.setInt(offset + Ipv4Header.SOURCE_OFFSET, sourceAddress);
    buf.setInt(offset + Ipv4Header.DESTINATION_OFFSET, destinationAddress);
    buf.setShort(
        offset + Ipv4Header.CHECKSUM_OFFSET, InternetChecksum.compute(buf, offset, LENGTH));
    return LENGTH;
  }

  /**
   * Recomputes the header checksum over the header length given by the IHL field (options
   * included). The IHL must be valid (at least 5).
   */
  public static void updateChecksum(ByteBuf buf, int offset) {
    buf.setShort(offset + Ipv4Header.CHECKSUM_OFFSET, 0);
    int checksum = InternetChecksum.compute(buf, offset, Ipv4Header.headerLengthBytes(buf, offset));
    buf.setShort(offset + Ipv4Header.CHECKSUM_OFFSET, checksum);
  }

  /**
   * Sets the total length and identification of a header whose checksum is correct, updating the
   * checksum incrementally: the per-packet step of a header template.
   */
  public static void setTotalLengthAndIdentification(
      ByteBuf buf, int offset, int totalLengthBytes, int identification) {
    int oldWord =
        buf.getInt(offset + Ipv4Header.TOTAL_LENGTH_OFFSET); // total length | identification
    int newWord = ((totalLengthBytes & 0xFFFF) << 16) | (identification & 0xFFFF);
    int checksum =
        InternetChecksum.updateInt(Ipv4Header.headerChecksum(buf, offset), oldWord, newWord);
    buf.setInt(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, newWord);
    buf.setShort(offset + Ipv4Header.CHECKSUM_OFFSET, checksum);
  }
}
