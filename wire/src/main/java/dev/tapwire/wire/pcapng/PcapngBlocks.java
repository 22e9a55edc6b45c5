package dev.tapwire.wire.pcapng;

import io.netty.buffer.ByteBuf;

/** Framing shared by the block writers: type and length at the start, length again at the end. */
final class PcapngBlocks {
  private PcapngBlocks() {}

  /** {@code length} rounded up to a multiple of 4. */
  static int pad4(int length) {
    return (length + 3) & ~3;
  }

  /**
   * Reserves {@code fixedLength} bytes, writes the block type and a placeholder total length, and
   * returns the block's start index. The caller fills the fixed body with absolute sets, then
   * appends options and calls {@link #end}.
   */
  static int begin(ByteBuf out, int type, int fixedLength) {
    out.ensureWritable(fixedLength);
    int start = out.writerIndex();
    out.setIntLE(start + PcapngBlockType.TYPE_OFFSET, type);
    out.writerIndex(start + fixedLength);
    return start;
  }

  /**
   * Ends a block: writes opt_endofopt if any option follows the fixed part (which ends at {@code
   * optionsStart}), then the trailing total length, and fills in the leading one.
   */
  static void end(ByteBuf out, int start, int optionsStart) {
    if (out.writerIndex() > optionsStart) {
      PcapngOptionWriter.writeEndOfOptions(out);
    }
    out.ensureWritable(4);
    int trailer = out.writerIndex();
    int totalLength = trailer + 4 - start;
    out.setIntLE(trailer, totalLength);
    out.setIntLE(start + PcapngBlockType.TOTAL_LENGTH_OFFSET, totalLength);
    out.writerIndex(trailer + 4);
  }
}
