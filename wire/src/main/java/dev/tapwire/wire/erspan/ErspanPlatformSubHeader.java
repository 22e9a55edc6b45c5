package dev.tapwire.wire.erspan;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte ERSPAN Type III platform-specific sub-header (present when O=1), decoded per platform
 * id as Wireshark's {@code packet-erspan.c} does (the only public decoder of it):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |  Platf ID |               Platform Specific Info              |  word 0
 * |                  Platform Specific Info                       |  word 1
 *
 * id 1     word0: reserved 0x03FFF000, VSM domain id 0x00000FFF; word1: port id/index (32 bits)
 * id 3     word0: reserved 0x03FFC000, port id/index 0x00003FFF;  word1: upper 32 bits of the timestamp
 * id 4     reserved
 * id 5, 6  word0: switch id 0x03FF0000, port id/index 0x0000FFFF;  word1: timestamp (seconds)
 * id 7, 0  word0: reserved 0x03F00000, source index 0x000FFFFF;    word1: upper 32 bits of the timestamp
 *          (0 is "in some implementations used as an alias to 0x07")
 * id 2, 8-63 reserved
 * </pre>
 *
 * <p>Besides buffer accessors, every decoder works on the raw 64-bit big-endian value (as {@link
 * #raw} reads it), so a caller can keep the value and decode it later.
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-foschiano-erspan-03#section-4.3">
 *     draft-foschiano-erspan-03 §4.3</a>
 */
public final class ErspanPlatformSubHeader {
  public static final int LENGTH = 8;
  public static final int WORD0_OFFSET = 0;
  public static final int WORD1_OFFSET = 4;

  public static final int PLATFORM_ID_MASK = 0xFC00_0000;
  public static final int PLATFORM_ID_SHIFT = 26;

  public static final int ID1_VSM_DOMAIN_ID_MASK = 0x0000_0FFF;
  public static final int ID3_PORT_INDEX_MASK = 0x0000_3FFF;
  public static final int ID5_SWITCH_ID_MASK = 0x03FF_0000;
  public static final int ID5_SWITCH_ID_SHIFT = 16;
  public static final int ID5_PORT_INDEX_MASK = 0x0000_FFFF;
  public static final int ID7_SOURCE_INDEX_MASK = 0x000F_FFFF;

  public static final int PLATFORM_ID_ALIAS_OF_7 = 0;
  public static final int PLATFORM_ID_1 = 1;
  public static final int PLATFORM_ID_3 = 3;
  public static final int PLATFORM_ID_4 = 4;
  public static final int PLATFORM_ID_5 = 5;
  public static final int PLATFORM_ID_6 = 6;
  public static final int PLATFORM_ID_7 = 7;

  private ErspanPlatformSubHeader() {}

  /** The sub-header as one big-endian 64-bit value. */
  public static long raw(ByteBuf buf, int offset) {
    return buf.getLong(offset);
  }

  public static int platformId(ByteBuf buf, int offset) {
    return buf.getUnsignedByte(offset) >>> 2;
  }

  public static int platformId(long raw) {
    return (int) (raw >>> 58);
  }

  public static int word0(long raw) {
    return (int) (raw >>> 32);
  }

  public static long word1(long raw) {
    return raw & 0xFFFF_FFFFL;
  }

  /**
   * The port id/index (id 1: 32 bits, id 3: 14 bits, id 5/6: 16 bits) or source index (id 7/0: 20
   * bits); -1 for ids without one (4, 2, 8-63).
   */
  public static long portIndex(long raw) {
    int word0 = word0(raw);
    return switch (platformId(raw)) {
      case PLATFORM_ID_1 -> word1(raw);
      case PLATFORM_ID_3 -> word0 & ID3_PORT_INDEX_MASK;
      case PLATFORM_ID_5, PLATFORM_ID_6 -> word0 & ID5_PORT_INDEX_MASK;
      case PLATFORM_ID_7, PLATFORM_ID_ALIAS_OF_7 -> word0 & ID7_SOURCE_INDEX_MASK;
      default -> -1;
    };
  }

  /** The VSM domain id of platform id 1, else -1. */
  public static int vsmDomainId(long raw) {
    return platformId(raw) == PLATFORM_ID_1 ? word0(raw) & ID1_VSM_DOMAIN_ID_MASK : -1;
  }

  /** The switch id of platform ids 5 and 6, else -1. */
  public static int switchId(long raw) {
    int id = platformId(raw);
    return id == PLATFORM_ID_5 || id == PLATFORM_ID_6
        ? (word0(raw) & ID5_SWITCH_ID_MASK) >>> ID5_SWITCH_ID_SHIFT
        : -1;
  }

  /** True for the ids whose second word is the upper 32 bits of the timestamp (3, 7, 0). */
  public static boolean carriesUpperTimestamp(int platformId) {
    return platformId == PLATFORM_ID_3
        || platformId == PLATFORM_ID_7
        || platformId == PLATFORM_ID_ALIAS_OF_7;
  }

  /** The upper 32 bits of the timestamp (ids 3, 7, 0), unsigned, else -1. */
  public static long upperTimestamp(long raw) {
    return carriesUpperTimestamp(platformId(raw)) ? word1(raw) : -1;
  }

  /** The timestamp in seconds of platform ids 5 and 6, unsigned, else -1. */
  public static long timestampSeconds(long raw) {
    int id = platformId(raw);
    return id == PLATFORM_ID_5 || id == PLATFORM_ID_6 ? word1(raw) : -1;
  }

  /**
   * Composes a platform id 3 sub-header: port id/index (14 bits) and the upper 32 bits of a 64-bit
   * timestamp.
   */
  public static long id3(int portIndex, long upperTimestamp) {
    if ((portIndex & ~ID3_PORT_INDEX_MASK) != 0) {
      throw new IllegalArgumentException("portIndex is not 14-bit: " + portIndex);
    }
    return ((long) (PLATFORM_ID_3 << PLATFORM_ID_SHIFT | portIndex) << 32)
        | (upperTimestamp & 0xFFFF_FFFFL);
  }
}
