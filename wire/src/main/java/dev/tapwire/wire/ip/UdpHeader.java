package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/** Flyweight accessors for a UDP header (RFC 768). */
public final class UdpHeader {
  public static final int LENGTH = 8;
  public static final int SOURCE_PORT_OFFSET = 0;
  public static final int DESTINATION_PORT_OFFSET = 2;
  public static final int LENGTH_OFFSET = 4;
  public static final int CHECKSUM_OFFSET = 6;

  private UdpHeader() {}

  public static int sourcePort(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + SOURCE_PORT_OFFSET);
  }

  public static int destinationPort(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + DESTINATION_PORT_OFFSET);
  }

  public static int lengthBytes(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + LENGTH_OFFSET);
  }

  public static int checksum(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
  }
}
