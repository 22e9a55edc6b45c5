package dev.tapwire.wire.pcapng;

import io.netty.buffer.ByteBuf;

/**
 * Enhanced Packet Block (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.3">draft-ietf-opsawg-pcapng
 * section 4.3</a>): layout, option codes and an allocation-free little-endian writer.
 *
 * <p>Without options, use {@link #write}. With options, call {@link #begin}, then any of the {@code
 * write*} option methods (or {@link PcapngOptionWriter}), then {@link #end}:
 *
 * <pre>{@code
 * int block = EnhancedPacketBlock.begin(out, ifId, tsNs, frame, off, len, len);
 * EnhancedPacketBlock.writeFlags(out, EpbFlags.INBOUND);
 * EnhancedPacketBlock.writeDropCount(out, 3);
 * EnhancedPacketBlock.end(out, block);
 * }</pre>
 *
 * The interface must have been described with if_tsresol 9 (as {@link InterfaceDescriptionBlock}
 * writes), so the timestamp is written as epoch nanoseconds. The writer does not enforce the
 * interface's snap length: the caller passes the captured length it wants stored.
 */
public final class EnhancedPacketBlock {
  public static final int INTERFACE_ID_OFFSET = 8;
  public static final int TIMESTAMP_HIGH_OFFSET = 12;
  public static final int TIMESTAMP_LOW_OFFSET = 16;
  public static final int CAPTURED_LENGTH_OFFSET = 20;
  public static final int ORIGINAL_LENGTH_OFFSET = 24;
  public static final int DATA_OFFSET = 28;

  /** Smallest valid EPB: fixed fields, no data, no options, the trailing length. */
  public static final int MIN_LENGTH = 32;

  public static final int OPTION_FLAGS = 2;
  public static final int OPTION_HASH = 3;
  public static final int OPTION_DROP_COUNT = 4;
  public static final int OPTION_PACKET_ID = 5;
  public static final int OPTION_QUEUE = 6;
  public static final int OPTION_VERDICT = 7;

  private EnhancedPacketBlock() {}

  /** Appends a complete EPB without options. */
  public static void write(
      ByteBuf out,
      int interfaceId,
      long timestampNs,
      ByteBuf data,
      int dataOffset,
      int capturedLength,
      int originalLength) {
    int paddedLength = PcapngBlocks.pad4(capturedLength);
    int totalLength = MIN_LENGTH + paddedLength;
    out.ensureWritable(totalLength);
    int start = out.writerIndex();
    writeFixedPart(
        out, start, totalLength, interfaceId, timestampNs, data, dataOffset, capturedLength);
    out.setIntLE(start + ORIGINAL_LENGTH_OFFSET, originalLength);
    out.setIntLE(start + totalLength - 4, totalLength);
    out.writerIndex(start + totalLength);
  }

  /**
   * Appends the fixed part and the padded data of an EPB and returns the block's start index, to be
   * passed to {@link #end} after the options.
   */
  public static int begin(
      ByteBuf out,
      int interfaceId,
      long timestampNs,
      ByteBuf data,
      int dataOffset,
      int capturedLength,
      int originalLength) {
    int fixedLength = DATA_OFFSET + PcapngBlocks.pad4(capturedLength);
    out.ensureWritable(fixedLength);
    int start = out.writerIndex();
    writeFixedPart(out, start, 0, interfaceId, timestampNs, data, dataOffset, capturedLength);
    out.setIntLE(start + ORIGINAL_LENGTH_OFFSET, originalLength);
    out.writerIndex(start + fixedLength);
    return start;
  }

  /** Ends the EPB started at {@code blockStart}: opt_endofopt if needed, then the lengths. */
  public static void end(ByteBuf out, int blockStart) {
    int capturedLength = out.getIntLE(blockStart + CAPTURED_LENGTH_OFFSET);
    PcapngBlocks.end(out, blockStart, blockStart + DATA_OFFSET + PcapngBlocks.pad4(capturedLength));
  }

  /** Appends epb_flags; see {@link EpbFlags}. */
  public static void writeFlags(ByteBuf out, int flags) {
    PcapngOptionWriter.writeU32(out, OPTION_FLAGS, flags);
  }

  /** Appends epb_dropcount: packets lost between the previous packet of the interface and this. */
  public static void writeDropCount(ByteBuf out, long dropCount) {
    PcapngOptionWriter.writeU64(out, OPTION_DROP_COUNT, dropCount);
  }

  /** Appends an opt_comment, encoded as UTF-8 without allocating. */
  public static void writeComment(ByteBuf out, CharSequence comment) {
    PcapngOptionWriter.writeUtf8(out, PcapngOptionWriter.COMMENT, comment);
  }

  /**
   * Appends a copyable binary custom option (code 2989): the Private Enterprise Number, then {@code
   * length} bytes of {@code value}, for example raw ERSPAN header metadata.
   */
  public static void writeCustom(
      ByteBuf out, int privateEnterpriseNumber, ByteBuf value, int offset, int length) {
    PcapngOptionWriter.writeCustomBinary(
        out, PcapngOptionWriter.CUSTOM_BINARY_COPY, privateEnterpriseNumber, value, offset, length);
  }

  private static void writeFixedPart(
      ByteBuf out,
      int start,
      int totalLength,
      int interfaceId,
      long timestampNs,
      ByteBuf data,
      int dataOffset,
      int capturedLength) {
    out.setLongLE(start, PcapngBlockType.ENHANCED_PACKET | (long) totalLength << 32);
    // Upper 32 bits first, then lower 32 bits, each little-endian: one 64-bit store of the
    // rotated value gives exactly that layout.
    out.setLongLE(
        start + INTERFACE_ID_OFFSET, (interfaceId & 0xFFFF_FFFFL) | (timestampNs >>> 32) << 32);
    out.setLongLE(
        start + TIMESTAMP_LOW_OFFSET, (timestampNs & 0xFFFF_FFFFL) | (long) capturedLength << 32);
    if ((capturedLength & 3) != 0) {
      out.setIntLE(start + DATA_OFFSET + PcapngBlocks.pad4(capturedLength) - 4, 0);
    }
    out.setBytes(start + DATA_OFFSET, data, dataOffset, capturedLength);
  }
}
