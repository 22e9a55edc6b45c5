package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight accessors for an IPv4 header (RFC 791 §3.1) at an absolute offset in a buffer.
 *
 * <p>Accessors do not check bounds beyond what {@link ByteBuf} does; callers validate with {@link
 * #validate} first.
 */
public final class Ipv4Header {
  public static final int VERSION = 4;
  public static final int MIN_LENGTH = 20;
  public static final int TOTAL_LENGTH_OFFSET = 2;
  public static final int IDENTIFICATION_OFFSET = 4;
  public static final int FLAGS_FRAGMENT_OFFSET = 6;
  public static final int TTL_OFFSET = 8;
  public static final int PROTOCOL_OFFSET = 9;
  public static final int CHECKSUM_OFFSET = 10;
  public static final int SOURCE_OFFSET = 12;
  public static final int DESTINATION_OFFSET = 16;
  public static final int ADDRESS_LENGTH = 4;

  public static final int FLAG_DONT_FRAGMENT = 0x4000;
  public static final int FLAG_MORE_FRAGMENTS = 0x2000;
  public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

  /** Result of {@link #validate}: 0 when the header is usable, else a problem. */
  public static final int VALID = 0;

  public static final int TRUNCATED = 1;
  public static final int BAD_VERSION = 2;
  public static final int BAD_HEADER_LENGTH = 3;
  public static final int BAD_TOTAL_LENGTH = 4;

  private Ipv4Header() {}

  public static int version(ByteBuf buf, int offset) {
    return (buf.getUnsignedByte(offset) >>> 4) & 0xF;
  }

  public static int headerLengthBytes(ByteBuf buf, int offset) {
    return (buf.getUnsignedByte(offset) & 0xF) * 4;
  }

  public static int dscpEcn(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset + 1);
  }

  public static int totalLengthBytes(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + TOTAL_LENGTH_OFFSET);
  }

  public static int identification(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + IDENTIFICATION_OFFSET);
  }

  public static int flagsAndFragmentOffset(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + FLAGS_FRAGMENT_OFFSET);
  }

  public static boolean moreFragments(ByteBuf buf, int offset) {
    return (flagsAndFragmentOffset(buf, offset) & FLAG_MORE_FRAGMENTS) != 0;
  }

  /** Fragment offset in bytes (the header field counts 8-byte units). */
  public static int fragmentOffsetBytes(ByteBuf buf, int offset) {
    return (flagsAndFragmentOffset(buf, offset) & FRAGMENT_OFFSET_MASK) * 8;
  }

  /** True for any fragment of a fragmented datagram (first, middle or last). */
  public static boolean isFragment(ByteBuf buf, int offset) {
    int word = flagsAndFragmentOffset(buf, offset);
    return (word & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
  }

  public static int headerChecksum(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
  }

  public static int ttl(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset + TTL_OFFSET);
  }

  public static int protocol(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset + PROTOCOL_OFFSET);
  }

  public static int sourceAddress(ByteBuf buf, int offset) {
    return buf.getInt(offset + SOURCE_OFFSET);
  }

  public static int destinationAddress(ByteBuf buf, int offset) {
    return buf.getInt(offset + DESTINATION_OFFSET);
  }

  /**
   * Checks that an IPv4 header starts at {@code offset} and that its lengths fit in {@code
   * availableBytes}. Trailing bytes beyond the total length (link-layer padding) are allowed.
   */
  public static int validate(ByteBuf buf, int offset, int availableBytes) {
    if (availableBytes < MIN_LENGTH) {
      return TRUNCATED;
    }
    if (version(buf, offset) != VERSION) {
      return BAD_VERSION;
    }
    int headerLength = headerLengthBytes(buf, offset);
    if (headerLength < MIN_LENGTH) {
      return BAD_HEADER_LENGTH;
    }
    int totalLength = totalLengthBytes(buf, offset);
    if (totalLength < headerLength) {
      return BAD_TOTAL_LENGTH;
    }
    if (totalLength > availableBytes || headerLength > availableBytes) {
      return TRUNCATED;
    }
    return VALID;
  }
}
