package dev.tapwire.wire.pcap;

import io.netty.buffer.ByteBuf;

/**
 * Writes classic pcap (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcap">draft-ietf-opsawg-pcap</a>)
 * in little-endian layout into caller-supplied buffers. Nanosecond magic by default, because
 * Tapwire carries epoch-nanosecond capture times end to end.
 *
 * <p>Records longer than the snap length are truncated to it, as a capture would; the original
 * length is kept. Stateless apart from its configuration, so it may be shared.
 */
public final class PcapWriter {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MICRO = 1_000L;

  private final int linkType;
  private final int snapLenBytes;
  private final boolean nanoseconds;

  /** A nanosecond writer. */
  public PcapWriter(int linkType, int snapLenBytes) {
    this(linkType, snapLenBytes, PcapTimestampPrecision.NANOSECONDS);
  }

  /**
   * @param linkType LINKTYPE_* value (16 bits; FCS bits are not written)
   * @param snapLenBytes snap length, which the format requires to be non-zero
   * @param precision timestamp unit of the file
   */
  public PcapWriter(int linkType, int snapLenBytes, PcapTimestampPrecision precision) {
    if (linkType < 0 || linkType > PcapFormat.LINK_TYPE_MASK) {
      throw new IllegalArgumentException("linkType must fit in 16 bits: " + linkType);
    }
    if (snapLenBytes <= 0) {
      throw new IllegalArgumentException("snapLenBytes must be > 0: " + snapLenBytes);
    }
    this.linkType = linkType;
    this.snapLenBytes = snapLenBytes;
    this.nanoseconds = precision == PcapTimestampPrecision.NANOSECONDS;
  }

  /** Appends the 24-byte file header to {@code out}. */
  public void writeHeader(ByteBuf out) {
    out.ensureWritable(PcapFormat.FILE_HEADER_LENGTH);
    int start = out.writerIndex();
    out.setIntLE(
        start + PcapFormat.MAGIC_OFFSET,
        nanoseconds ? PcapFormat.MAGIC_NANOS : PcapFormat.MAGIC_MICROS);
    out.setIntLE(
        start + PcapFormat.VERSION_MAJOR_OFFSET,
        PcapFormat.VERSION_MAJOR | PcapFormat.VERSION_MINOR << 16);
    out.setLongLE(start + 8, 0L); // Reserved1 and Reserved2 (thiszone, sigfigs)
    out.setIntLE(start + PcapFormat.SNAP_LEN_OFFSET, snapLenBytes);
    out.setIntLE(start + PcapFormat.LINK_TYPE_OFFSET, linkType);
    out.writerIndex(start + PcapFormat.FILE_HEADER_LENGTH);
  }

  /**
   * Appends one record: the 16-byte record header, then {@code min(length, snapLenBytes)} bytes of
   * {@code data} starting at absolute index {@code offset} (the data's indexes are not changed).
   *
   * @param timestampNs capture time, nanoseconds since the Unix epoch
   * @param originalLength length of the packet on the wire, at least {@code length}
   */
  public void writeRecord(
      ByteBuf out, long timestampNs, ByteBuf data, int offset, int length, int originalLength) {
    if (length < 0 || originalLength < length) {
      throw new IllegalArgumentException(
          "need 0 <= length <= originalLength: " + length + ", " + originalLength);
    }
    int capturedLength = Math.min(length, snapLenBytes);
    long seconds = Math.floorDiv(timestampNs, NANOS_PER_SECOND);
    long fractionNs = Math.floorMod(timestampNs, NANOS_PER_SECOND);
    out.ensureWritable(PcapFormat.RECORD_HEADER_LENGTH + capturedLength);
    int start = out.writerIndex();
    out.setIntLE(start + PcapFormat.TIMESTAMP_SECONDS_OFFSET, (int) seconds);
    out.setIntLE(
        start + PcapFormat.TIMESTAMP_FRACTION_OFFSET,
        (int) (nanoseconds ? fractionNs : fractionNs / NANOS_PER_MICRO));
    out.setIntLE(start + PcapFormat.CAPTURED_LENGTH_OFFSET, capturedLength);
    out.setIntLE(start + PcapFormat.ORIGINAL_LENGTH_OFFSET, originalLength);
    out.setBytes(start + PcapFormat.RECORD_HEADER_LENGTH, data, offset, capturedLength);
    out.writerIndex(start + PcapFormat.RECORD_HEADER_LENGTH + capturedLength);
  }

  public int linkType() {
    return linkType;
  }

  public int snapLenBytes() {
    return snapLenBytes;
  }
}
