package dev.tapwire.wire.gre;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight accessors for a GRE header (RFC 2784 §2.1, with the RFC 2890 §2 key and sequence number
 * extensions) at an absolute offset in a buffer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
 * |      Checksum (optional)      |       Reserved1 (optional)    |  if C
 * |                         Key (optional)                        |  if K
 * |                 Sequence Number (optional)                    |  if S
 * </pre>
 *
 * <p>Accessors do not validate; callers check {@link #headerLength(int)} against the available
 * bytes first. Unsigned 32-bit fields are returned in a {@code long}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2784#section-2">RFC 2784 §2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2890#section-2">RFC 2890 §2</a>
 */
public final class GreHeader {
  public static final int FLAGS_VERSION_OFFSET = 0;
  public static final int PROTOCOL_TYPE_OFFSET = 2;

  /** Length of the mandatory part (flags, version, protocol type). */
  public static final int BASE_LENGTH = 4;

  /** Each optional field group (checksum+reserved1, key, sequence) is 4 bytes. */
  public static final int OPTIONAL_FIELD_LENGTH = 4;

  /** Longest header this codec produces or accepts (C, K and S all set). */
  public static final int MAX_LENGTH = 16;

  public static final int FLAG_CHECKSUM = 0x8000;
  public static final int FLAG_ROUTING = 0x4000;
  public static final int FLAG_KEY = 0x2000;
  public static final int FLAG_SEQUENCE = 0x1000;
  public static final int FLAG_STRICT_SOURCE_ROUTE = 0x0800;
  public static final int RECURSION_MASK = 0x0700;

  /** Reserved0 bits 8-12; in version 1 (PPTP, RFC 2637) 0x0080 is the acknowledgment flag. */
  public static final int RESERVED_FLAGS_MASK = 0x00F8;

  public static final int VERSION_MASK = 0x0007;

  /** GRE version 0 (RFC 2784). */
  public static final int VERSION_0 = 0;

  /** Enhanced GRE of PPTP (RFC 2637 §4.1). */
  public static final int VERSION_1_PPTP = 1;

  private GreHeader() {}

  /** The first 16 bits: flags, reserved bits and version. */
  public static int flagsAndVersion(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + FLAGS_VERSION_OFFSET);
  }

  public static int protocolType(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(offset + PROTOCOL_TYPE_OFFSET);
  }

  public static int version(int flagsAndVersion) {
    return flagsAndVersion & VERSION_MASK;
  }

  public static boolean hasChecksum(int flagsAndVersion) {
    return (flagsAndVersion & FLAG_CHECKSUM) != 0;
  }

  public static boolean hasRouting(int flagsAndVersion) {
    return (flagsAndVersion & FLAG_ROUTING) != 0;
  }

  public static boolean hasKey(int flagsAndVersion) {
    return (flagsAndVersion & FLAG_KEY) != 0;
  }

  public static boolean hasSequence(int flagsAndVersion) {
    return (flagsAndVersion & FLAG_SEQUENCE) != 0;
  }

  /** Header length in bytes for a version 0 header: 4 + 4·C + 4·K + 4·S. */
  public static int headerLength(int flagsAndVersion) {
    return BASE_LENGTH
        + ((flagsAndVersion >>> 15) & 1) * OPTIONAL_FIELD_LENGTH
        + ((flagsAndVersion >>> 13) & 1) * OPTIONAL_FIELD_LENGTH
        + ((flagsAndVersion >>> 12) & 1) * OPTIONAL_FIELD_LENGTH;
  }

  /** Absolute offset of the checksum field (valid only when C is set). */
  public static int checksumOffset(int offset) {
    return offset + BASE_LENGTH;
  }

  /** Absolute offset of the key field (valid only when K is set). */
  public static int keyOffset(int offset, int flagsAndVersion) {
    return offset + BASE_LENGTH + ((flagsAndVersion >>> 15) & 1) * OPTIONAL_FIELD_LENGTH;
  }

  /** Absolute offset of the sequence number field (valid only when S is set). */
  public static int sequenceOffset(int offset, int flagsAndVersion) {
    return keyOffset(offset, flagsAndVersion)
        + ((flagsAndVersion >>> 13) & 1) * OPTIONAL_FIELD_LENGTH;
  }

  /** The checksum field (C must be set). */
  public static int checksum(ByteBuf buf, int offset) {
    return buf.getUnsignedShort(checksumOffset(offset));
  }

  /** The key as an unsigned 32-bit value (K must be set). */
  public static long key(ByteBuf buf, int offset) {
    return buf.getUnsignedInt(keyOffset(offset, flagsAndVersion(buf, offset)));
  }

  /** The sequence number as an unsigned 32-bit value (S must be set). */
  public static long sequence(ByteBuf buf, int offset) {
    return buf.getUnsignedInt(sequenceOffset(offset, flagsAndVersion(buf, offset)));
  }

  /**
   * The 16-bit one's-complement checksum (RFC 1071) over {@code length} bytes starting at the GRE
   * header, with the checksum field itself taken as zero: the value to write into the field.
   */
  public static int computeChecksum(ByteBuf buf, int offset, int length) {
    long sum = onesComplementSum(buf, offset, length) - buf.getUnsignedShort(offset + 4);
    return ~fold(sum) & 0xFFFF;
  }

  /**
   * True when the one's-complement sum over the GRE header and payload ({@code length} bytes from
   * {@code offset}) is 0xFFFF, i.e. the checksum field is correct (RFC 2784 §2.5).
   */
  public static boolean isChecksumValid(ByteBuf buf, int offset, int length) {
    return fold(onesComplementSum(buf, offset, length)) == 0xFFFF;
  }

  private static long onesComplementSum(ByteBuf buf, int offset, int length) {
    long sum = 0;
    int i = offset;
    int end = offset + length;
    for (; i + 4 <= end; i += 4) {
      sum += buf.getUnsignedInt(i);
    }
    if (i + 2 <= end) {
      sum += buf.getUnsignedShort(i);
      i += 2;
    }
    if (i < end) {
      sum += buf.getUnsignedByte(i) << 8;
    }
    return sum;
  }

  private static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }
}
