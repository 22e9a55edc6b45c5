package dev.tapwire.wire.erspan;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight accessors for the 12-byte ERSPAN Type III header (ERSPAN "version 2"), which follows a
 * GRE header with protocol type 0x22EB (S not required) and is followed by an 8-byte {@link
 * ErspanPlatformSubHeader platform sub-header} when O=1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |  Ver  |          VLAN         | COS |BSO|T|     Session ID    |
 * |                          Timestamp                            |
 * |             SGT               |P|    FT   |   Hw ID   |D|Gra|O|
 * </pre>
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-foschiano-erspan-03#section-4.3">
 *     draft-foschiano-erspan-03 §4.3</a>
 */
public final class ErspanType3Header {
  public static final int LENGTH = 12;

  /** The header's Ver field value for Type III. */
  public static final int VERSION = 2;

  public static final int WORD0_OFFSET = 0;
  public static final int TIMESTAMP_OFFSET = 4;
  public static final int WORD2_OFFSET = 8;

  public static final int VERSION_MASK = 0xF000_0000;
  public static final int VLAN_MASK = 0x0FFF_0000;
  public static final int VLAN_SHIFT = 16;
  public static final int COS_MASK = 0x0000_E000;
  public static final int COS_SHIFT = 13;
  public static final int BSO_MASK = 0x0000_1800;
  public static final int BSO_SHIFT = 11;
  public static final int TRUNCATED_MASK = 0x0000_0400;
  public static final int SESSION_ID_MASK = 0x0000_03FF;

  public static final int SGT_MASK = 0xFFFF_0000;
  public static final int SGT_SHIFT = 16;
  public static final int P_MASK = 0x0000_8000;
  public static final int FRAME_TYPE_MASK = 0x0000_7C00;
  public static final int FRAME_TYPE_SHIFT = 10;
  public static final int HARDWARE_ID_MASK = 0x0000_03F0;
  public static final int HARDWARE_ID_SHIFT = 4;
  public static final int DIRECTION_MASK = 0x0000_0008;
  public static final int GRANULARITY_MASK = 0x0000_0006;
  public static final int GRANULARITY_SHIFT = 1;
  public static final int O_MASK = 0x0000_0001;

  /** FT: an Ethernet frame (without FCS) follows. */
  public static final int FRAME_TYPE_ETHERNET = 0;

  /** FT: an IP packet follows. */
  public static final int FRAME_TYPE_IP = 2;

  /**
   * FT 7, not defined by the draft: one real device sends it with O=0 yet puts 8 undeclared bytes
   * (shaped like a platform sub-header, id 0/7) before the Ethernet frame ({@code
   * tcpdump/erspan-type-iii-ft-7.pcap}, tcpdump PR #1188).
   */
  public static final int FRAME_TYPE_7_UNDECLARED_SUB_HEADER = 7;

  /** Gra: 100 microseconds per tick (Linux, OVS). */
  public static final int GRANULARITY_100_US = 0;

  /** Gra: 100 nanoseconds per tick. */
  public static final int GRANULARITY_100_NS = 1;

  /** Gra: IEEE 1588. */
  public static final int GRANULARITY_IEEE_1588 = 2;

  /** Gra: user configured / custom. */
  public static final int GRANULARITY_CUSTOM = 3;

  /** D value for ingress. */
  public static final int DIRECTION_INGRESS = 0;

  /** D value for egress. */
  public static final int DIRECTION_EGRESS = 1;

  public static final int MAX_SESSION_ID = 1023;
  public static final int MAX_VLAN = 0xFFF;
  public static final int MAX_HARDWARE_ID = 0x3F;

  private ErspanType3Header() {}

  public static int word0(ByteBuf buf, int offset) {
    return buf.getInt(offset + WORD0_OFFSET);
  }

  public static int word2(ByteBuf buf, int offset) {
    return buf.getInt(offset + WORD2_OFFSET);
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

  /** BSO: 0 good/unknown, 1 short, 2 oversized, 3 bad (CRC/alignment). */
  public static int bso(ByteBuf buf, int offset) {
    return (word0(buf, offset) & BSO_MASK) >>> BSO_SHIFT;
  }

  public static boolean truncated(ByteBuf buf, int offset) {
    return (word0(buf, offset) & TRUNCATED_MASK) != 0;
  }

  public static int sessionId(ByteBuf buf, int offset) {
    return word0(buf, offset) & SESSION_ID_MASK;
  }

  /** The 32-bit timestamp, unsigned, in units given by {@link #granularity}. */
  public static long timestamp(ByteBuf buf, int offset) {
    return buf.getUnsignedInt(offset + TIMESTAMP_OFFSET);
  }

  public static int sgt(ByteBuf buf, int offset) {
    return (word2(buf, offset) & SGT_MASK) >>> SGT_SHIFT;
  }

  /** P, which Wireshark calls "Has Ethernet PDU". */
  public static boolean pBit(ByteBuf buf, int offset) {
    return (word2(buf, offset) & P_MASK) != 0;
  }

  public static int frameType(ByteBuf buf, int offset) {
    return (word2(buf, offset) & FRAME_TYPE_MASK) >>> FRAME_TYPE_SHIFT;
  }

  public static int hardwareId(ByteBuf buf, int offset) {
    return (word2(buf, offset) & HARDWARE_ID_MASK) >>> HARDWARE_ID_SHIFT;
  }

  /** D: 0 ingress, 1 egress. */
  public static int direction(ByteBuf buf, int offset) {
    return (word2(buf, offset) & DIRECTION_MASK) >>> 3;
  }

  public static int granularity(ByteBuf buf, int offset) {
    return (word2(buf, offset) & GRANULARITY_MASK) >>> GRANULARITY_SHIFT;
  }

  /** O: an 8-byte platform-specific sub-header follows the 12-byte header. */
  public static boolean hasSubHeader(ByteBuf buf, int offset) {
    return (word2(buf, offset) & O_MASK) != 0;
  }
}
