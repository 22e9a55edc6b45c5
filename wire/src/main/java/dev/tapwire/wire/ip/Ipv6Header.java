package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/** Flyweight accessors for the IPv6 fixed header (RFC 8200 §3) at an absolute offset. */
public final class Ipv6Header {
  public static final int VERSION = 6;
  public static final int LENGTH = 40;
  public static final int PAYLOAD_LENGTH_OFFSET = 4;
  public static final int NEXT_HEADER_OFFSET = 6;
  public static final int HOP_LIMIT_OFFSET = 7;
  public static final int SOURCE_OFFSET = 8;
  public static final int DESTINATION_OFFSET = 24;
  public static final int ADDRESS_LENGTH = 16;

  /** Extension headers that share the generic (next header, length in 8-octet units) layout. */
  public static final int NEXT_HEADER_HOP_BY_HOP = 0;

  public static final int NEXT_HEADER_ROUTING = 43;
  public static final int NEXT_HEADER_FRAGMENT = 44;
  public static final int NEXT_HEADER_DESTINATION_OPTIONS = 60;
  public static final int NEXT_HEADER_NONE = 59;

  private Ipv6Header() {}

  public static int version(ByteBuf buf, int offset) {
    return (buf.getUnsignedByte(offset) >>> 4) & 0xF;
  }

  /** Traffic class (DSCP and ECN), bits 4-11 of the first word. */
  public static int trafficClass(ByteBuf buf, int offset) {
    return (buf.getInt(offset) >>> 20) & 0xFF;
  }

  /** Flow label, the low 20 bits of the first word. */
  public static int flowLabel(ByteBuf buf, int offset) {
    return buf.getInt(offset) & 0xFFFFF;
  }

  public static int payloadLengthBytes(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + PAYLOAD_LENGTH_OFFSET);
  }

  public static int nextHeader(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset + NEXT_HEADER_OFFSET);
  }

  public static int hopLimit(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset + HOP_LIMIT_OFFSET);
  }
}
