package dev.tapwire.wire.erspan;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight accessors for the 8-byte ERSPAN Type II header (ERSPAN "version 1"), which follows a
 * GRE header with protocol type 0x88BE and the S bit set.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |  Ver  |          VLAN         | COS | En|T|    Session ID     |
 * |      Reserved         |                  Index                |
 * </pre>
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-foschiano-erspan-03#section-4.2">
 *     draft-foschiano-erspan-03 §4.2</a>
 */
public final class ErspanType2Header {
  public static final int LENGTH = 8;

  /** The header's Ver field value for Type II. */
  public static final int VERSION = 1;

  public static final int WORD0_OFFSET = 0;
  public static final int WORD1_OFFSET = 4;

  public static final int VERSION_MASK = 0xF000_0000;
  public static final int VERSION_SHIFT = 28;
  public static final int VLAN_MASK = 0x0FFF_0000;
  public static final int VLAN_SHIFT = 16;
  public static final int COS_MASK = 0x0000_E000;
  public static final int COS_SHIFT = 13;
  public static final int ENCAPSULATION_TYPE_MASK = 0x0000_1800;
  public static final int ENCAPSULATION_TYPE_SHIFT = 11;
  public static final int TRUNCATED_MASK = 0x0000_0400;
  public static final int SESSION_ID_MASK = 0x0000_03FF;
  public static final int INDEX_MASK = 0x000F_FFFF;

  /** En: the frame was originally untagged. */
  public static final int EN_ORIGINALLY_UNTAGGED = 0;

  /** En: the frame was originally ISL encapsulated. */
  public static final int EN_ORIGINALLY_ISL = 1;

  /** En: the frame was originally 802.1Q tagged (real devices still leave the tag in it). */
  public static final int EN_ORIGINALLY_DOT1Q = 2;

  /** En: the VLAN tag is preserved in the frame. */
  public static final int EN_TAG_PRESERVED = 3;

  public static final int MAX_SESSION_ID = 1023;
  public static final int MAX_VLAN = 0xFFF;
  public static final int MAX_INDEX = 0xFFFFF;

  private ErspanType2Header() {}

  public static int word0(ByteBuf buf, int offset) {
    return buf.getInt(offset + WORD0_OFFSET);
  }

  public static int version(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset) >>> 4;
  }

  public static int vlan(ByteBuf buf, int offset) {
    return (word0(buf, offset) & VLAN_MASK) >>> VLAN_SHIFT;
  }

  public static int cos(ByteBuf buf, int offset) {
    return (word0(buf, offset) & COS_MASK) >>> COS_SHIFT;
  }

  /** En: the original encapsulation of the mirrored frame (metadata only). */
  public static int encapsulationType(ByteBuf buf, int offset) {
    return (word0(buf, offset) & ENCAPSULATION_TYPE_MASK) >>> ENCAPSULATION_TYPE_SHIFT;
  }

  public static boolean truncated(ByteBuf buf, int offset) {
    return (word0(buf, offset) & TRUNCATED_MASK) != 0;
  }

  public static int sessionId(ByteBuf buf, int offset) {
    return word0(buf, offset) & SESSION_ID_MASK;
  }

  public static int index(ByteBuf buf, int offset) {
    return buf.getInt(offset + WORD1_OFFSET) & INDEX_MASK;
  }
}
