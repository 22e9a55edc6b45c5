package dev.tapwire.wire.pcapng;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Appends little-endian pcapng options (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-3.5">draft-ietf-opsawg-pcapng
 * section 3.5</a>): a 2-byte code, a 2-byte length without padding, the value padded to 32 bits.
 * Nothing here allocates; UTF-8 strings are encoded straight into the buffer.
 */
public final class PcapngOptionWriter {
  /** opt_endofopt: ends an option list. */
  public static final int END_OF_OPTIONS = 0;

  /** opt_comment: UTF-8 text, may repeat. */
  public static final int COMMENT = 1;

  /** Custom option: UTF-8 string value, may be copied to new files. */
  public static final int CUSTOM_STRING_COPY = 2988;

  /** Custom option: binary value, may be copied to new files. */
  public static final int CUSTOM_BINARY_COPY = 2989;

  /** Custom option: UTF-8 string value, not to be copied. */
  public static final int CUSTOM_STRING_NO_COPY = 19372;

  /** Custom option: binary value, not to be copied. */
  public static final int CUSTOM_BINARY_NO_COPY = 19373;

  static final int HEADER_LENGTH = 4;
  static final int MAX_VALUE_LENGTH = 0xFFFF;
  private static final int PEN_LENGTH = 4;

  private PcapngOptionWriter() {}

  /** Appends an option with a 1-byte value. */
  public static void writeU8(ByteBuf out, int code, int value) {
    int start = begin(out, code, 1);
    out.setIntLE(start + HEADER_LENGTH, value & 0xFF);
    out.writerIndex(start + HEADER_LENGTH + 4);
  }

  /** Appends an option with a 4-byte value. */
  public static void writeU32(ByteBuf out, int code, int value) {
    int start = begin(out, code, 4);
    out.setIntLE(start + HEADER_LENGTH, value);
    out.writerIndex(start + HEADER_LENGTH + 4);
  }

  /** Appends an option with an 8-byte value. */
  public static void writeU64(ByteBuf out, int code, long value) {
    int start = begin(out, code, 8);
    out.setLongLE(start + HEADER_LENGTH, value);
    out.writerIndex(start + HEADER_LENGTH + 8);
  }

  /**
   * Appends an 8-byte timestamp option in the EPB layout: upper 32 bits first, then lower 32 bits
   * (each little-endian), as isb_starttime and isb_endtime require.
   */
  public static void writeTimestamp(ByteBuf out, int code, long timestamp) {
    int start = begin(out, code, 8);
    out.setLongLE(start + HEADER_LENGTH, Long.rotateLeft(timestamp, 32));
    out.writerIndex(start + HEADER_LENGTH + 8);
  }

  /** Appends a UTF-8 string option (not NUL-terminated). */
  public static void writeUtf8(ByteBuf out, int code, CharSequence value) {
    writeUtf8(out, code, 0, 0, value);
  }

  /**
   * Appends an option whose value is {@code prefixLength} (0 to 4) bytes of {@code prefix}
   * (big-endian, most significant first) followed by a UTF-8 string; used for if_filter's type byte
   * and the Private Enterprise Number of custom string options.
   */
  static void writeUtf8(ByteBuf out, int code, int prefix, int prefixLength, CharSequence value) {
    int stringLength = ByteBufUtil.utf8Bytes(value);
    int length = prefixLength + stringLength;
    int start = begin(out, code, length);
    int valueStart = start + HEADER_LENGTH;
    zeroLastWord(out, valueStart, length);
    for (int i = 0; i < prefixLength; i++) {
      out.setByte(valueStart + i, prefix >>> (8 * (prefixLength - 1 - i)));
    }
    out.writerIndex(valueStart + prefixLength);
    ByteBufUtil.writeUtf8(out, value);
    out.writerIndex(valueStart + PcapngBlocks.pad4(length));
  }

  /** Appends an option whose value is {@code length} bytes of {@code value} from {@code offset}. */
  public static void writeBytes(ByteBuf out, int code, ByteBuf value, int offset, int length) {
    int start = begin(out, code, length);
    int valueStart = start + HEADER_LENGTH;
    zeroLastWord(out, valueStart, length);
    out.setBytes(valueStart, value, offset, length);
    out.writerIndex(valueStart + PcapngBlocks.pad4(length));
  }

  /**
   * Appends a binary custom option (code {@link #CUSTOM_BINARY_COPY} or {@link
   * #CUSTOM_BINARY_NO_COPY}): the Private Enterprise Number, then {@code length} bytes of data.
   */
  public static void writeCustomBinary(
      ByteBuf out, int code, int privateEnterpriseNumber, ByteBuf value, int offset, int length) {
    if (code != CUSTOM_BINARY_COPY && code != CUSTOM_BINARY_NO_COPY) {
      throw new IllegalArgumentException("not a binary custom option code: " + code);
    }
    int start = begin(out, code, PEN_LENGTH + length);
    int valueStart = start + HEADER_LENGTH;
    zeroLastWord(out, valueStart, PEN_LENGTH + length);
    // The PEN is written in the section's byte order, like every other field.
    out.setIntLE(valueStart, privateEnterpriseNumber);
    out.setBytes(valueStart + PEN_LENGTH, value, offset, length);
    out.writerIndex(valueStart + PcapngBlocks.pad4(PEN_LENGTH + length));
  }

  /**
   * Appends a string custom option (code {@link #CUSTOM_STRING_COPY} or {@link
   * #CUSTOM_STRING_NO_COPY}): the Private Enterprise Number, then UTF-8 text.
   */
  public static void writeCustomString(
      ByteBuf out, int code, int privateEnterpriseNumber, CharSequence value) {
    if (code != CUSTOM_STRING_COPY && code != CUSTOM_STRING_NO_COPY) {
      throw new IllegalArgumentException("not a string custom option code: " + code);
    }
    writeUtf8(out, code, Integer.reverseBytes(privateEnterpriseNumber), PEN_LENGTH, value);
  }

  /** Appends opt_endofopt. */
  public static void writeEndOfOptions(ByteBuf out) {
    out.ensureWritable(HEADER_LENGTH);
    int start = out.writerIndex();
    out.setIntLE(start, END_OF_OPTIONS);
    out.writerIndex(start + HEADER_LENGTH);
  }

  /** Checks the length, reserves room for the padded option and writes its header. */
  private static int begin(ByteBuf out, int code, int length) {
    if (length > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("option value longer than 65535 bytes: " + length);
    }
    if (code <= END_OF_OPTIONS || code > 0xFFFF) {
      throw new IllegalArgumentException("bad option code: " + code);
    }
    out.ensureWritable(HEADER_LENGTH + PcapngBlocks.pad4(length));
    int start = out.writerIndex();
    out.setIntLE(start, code | length << 16);
    return start;
  }

  /** Zeroes the last 32-bit word of a padded value so the padding bytes are 0. */
  private static void zeroLastWord(ByteBuf out, int valueStart, int length) {
    if ((length & 3) != 0) {
      out.setIntLE(valueStart + PcapngBlocks.pad4(length) - 4, 0);
    }
  }
}
