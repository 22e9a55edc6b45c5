package dev.tapwire.wire.vxlan;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight accessors for the 8-byte VXLAN header (RFC 7348 §5). Reserved bits are ignored on
 * receipt, as the RFC requires; only the I flag is checked.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * </pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7348#section-5">RFC 7348 §5</a>
 */
public final class VxlanHeader {
  public static final int LENGTH = 8;
  public static final int FLAGS_OFFSET = 0;
  public static final int VNI_OFFSET = 4;

  /** The I flag in the first byte: the VNI is valid. */
  public static final int FLAG_I = 0x08;

  public static final int VNI_SHIFT = 8;
  public static final int MAX_VNI = 0xFF_FFFF;

  /** IANA-assigned destination port. */
  public static final int DEFAULT_PORT = 4789;

  /** The Linux kernel's historical default destination port. */
  public static final int LINUX_LEGACY_PORT = 8472;

  private VxlanHeader() {}

  public static int flags(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset + FLAGS_OFFSET);
  }

  public static boolean hasIFlag(ByteBuf buf, int offset) {
    return (flags(buf, offset) & FLAG_I) != 0;
  }

  public static int vni(ByteBuf buf, int offset) {
    return buf.getInt(offset + VNI_OFFSET) >>> VNI_SHIFT;
  }
}
