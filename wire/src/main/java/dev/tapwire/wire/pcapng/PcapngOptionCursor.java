package dev.tapwire.wire.pcapng;

import dev.tapwire.wire.pcap.CaptureReadResult;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A reusable flyweight over the options of one pcapng block (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-3.5">draft-ietf-opsawg-pcapng
 * section 3.5</a>), in the section's byte order. The list ends at opt_endofopt or at the end of the
 * block, whichever comes first, because writers may leave opt_endofopt out. An option whose value
 * runs past the block ends the walk with {@link #error()} set; nothing is thrown.
 */
public final class PcapngOptionCursor {
  private ByteBuf buffer;
  private boolean bigEndian;
  private int position;
  private int end;
  private int code;
  private int valueOffset;
  private int valueLength;
  private CaptureReadResult error;

  /** Positions the cursor before the first option of {@code [offset, offset + length)}. */
  public PcapngOptionCursor reset(ByteBuf buffer, int offset, int length, boolean bigEndian) {
    this.buffer = buffer;
    this.bigEndian = bigEndian;
    this.position = offset;
    this.end = offset + length;
    this.code = -1;
    this.valueOffset = offset;
    this.valueLength = 0;
    this.error = null;
    return this;
  }

  /** Moves to the next option; false at the end of the list or on error (see {@link #error()}). */
  public boolean next() {
    if (end - position < PcapngOptionWriter.HEADER_LENGTH) {
      // Fewer than 4 bytes left cannot hold an option header; blocks are 32-bit aligned, so
      // this is the normal end of a list written without opt_endofopt.
      position = end;
      return false;
    }
    int optionCode = u16(position);
    int length = u16(position + 2);
    if (optionCode == PcapngOptionWriter.END_OF_OPTIONS) {
      position = end;
      return false;
    }
    int start = position + PcapngOptionWriter.HEADER_LENGTH;
    if (length > end - start) {
      error = CaptureReadResult.OPTION_PAST_END;
      position = end;
      return false;
    }
    code = optionCode;
    valueOffset = start;
    valueLength = length;
    // The padding of the last option may be missing; the end of the block bounds the walk.
    position = Math.min(end, start + PcapngBlocks.pad4(length));
    return true;
  }

  /** Null, or {@link CaptureReadResult#OPTION_PAST_END} if the walk stopped on a bad option. */
  public CaptureReadResult error() {
    return error;
  }

  public int code() {
    return code;
  }

  /** Absolute index of the value in {@link #buffer()}. */
  public int valueOffset() {
    return valueOffset;
  }

  /** Length of the value without padding. */
  public int valueLength() {
    return valueLength;
  }

  public ByteBuf buffer() {
    return buffer;
  }

  public boolean bigEndian() {
    return bigEndian;
  }

  /** The first value byte, unsigned. */
  public int u8Value() {
    return buffer.getUnsignedByte(valueOffset);
  }

  /** The value as a 32-bit integer in the section's byte order. */
  public int u32Value() {
    return bigEndian ? buffer.getInt(valueOffset) : buffer.getIntLE(valueOffset);
  }

  /** The value as a 64-bit integer in the section's byte order. */
  public long u64Value() {
    return bigEndian ? buffer.getLong(valueOffset) : buffer.getLongLE(valueOffset);
  }

  /** The value as a pcapng timestamp: upper 32 bits, then lower 32 bits. */
  public long timestampValue() {
    long high = u32(valueOffset);
    long low = u32(valueOffset + 4);
    return high << 32 | low;
  }

  /** The value decoded as UTF-8 (invalid sequences become U+FFFD); allocates. */
  public String utf8Value() {
    return buffer.toString(valueOffset, valueLength, StandardCharsets.UTF_8);
  }

  /** A binary custom option's Private Enterprise Number (the first 4 value bytes). */
  public int privateEnterpriseNumber() {
    return u32Value();
  }

  private int u16(int index) {
    return bigEndian ? buffer.getUnsignedShort(index) : buffer.getUnsignedShortLE(index);
  }

  private long u32(int index) {
    return (bigEndian ? buffer.getInt(index) : buffer.getIntLE(index)) & 0xFFFF_FFFFL;
  }
}
