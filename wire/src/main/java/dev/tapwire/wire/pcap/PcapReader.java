package dev.tapwire.wire.pcap;

import io.netty.buffer.ByteBuf;

/**
 * Incremental reader of classic pcap (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcap">draft-ietf-opsawg-pcap</a>):
 * all four magics (micro- and nanosecond, either byte order) and the FCS bits of the LinkType word.
 * See {@link CaptureReader} for the calling convention. One instance reads one file; not
 * thread-safe.
 */
public final class PcapReader implements CaptureReader {
  /** Default hard limit on one record's captured length. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MICRO = 1_000L;

  private final int maxRecordBytes;
  private boolean headerRead;
  private boolean bigEndian;
  private boolean nanosecondResolution;
  private int versionMajor;
  private int versionMinor;
  private long snapLenBytes;
  private int linkType;
  private int fcsLengthBytes = -1;
  private long recordLimitBytes;
  private CaptureReadResult fatal;

  /** A reader with the {@link #DEFAULT_MAX_RECORD_BYTES} limit. */
  public PcapReader() {
    this(DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * A reader that rejects records whose captured length exceeds {@code maxRecordBytes} (besides the
   * snap length limit), so that a corrupt length cannot make the caller buffer gigabytes.
   */
  public PcapReader(int maxRecordBytes) {
    if (maxRecordBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes must be > 0: " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public CaptureReadResult next(ByteBuf in, CaptureRecord out) {
    if (fatal != null) {
      return fatal;
    }
    if (!headerRead) {
      CaptureReadResult header = readFileHeader(in);
      if (header != null) {
        return header;
      }
    }
    int start = in.readerIndex();
    if (in.readableBytes() < PcapFormat.RECORD_HEADER_LENGTH) {
      return CaptureReadResult.NEED_MORE_DATA;
    }
    long capturedLength = u32(in, start + PcapFormat.CAPTURED_LENGTH_OFFSET);
    if (capturedLength > recordLimitBytes) {
      return fail(CaptureReadResult.IMPOSSIBLE_RECORD_LENGTH);
    }
    if (in.readableBytes() < PcapFormat.RECORD_HEADER_LENGTH + capturedLength) {
      return CaptureReadResult.NEED_MORE_DATA;
    }
    long seconds = u32(in, start + PcapFormat.TIMESTAMP_SECONDS_OFFSET);
    long fraction = u32(in, start + PcapFormat.TIMESTAMP_FRACTION_OFFSET);
    long timestampNs =
        seconds * NANOS_PER_SECOND + (nanosecondResolution ? fraction : fraction * NANOS_PER_MICRO);
    long originalLength = u32(in, start + PcapFormat.ORIGINAL_LENGTH_OFFSET);
    int dataOffset = start + PcapFormat.RECORD_HEADER_LENGTH;
    out.set(
        linkType,
        0,
        timestampNs,
        in,
        dataOffset,
        (int) capturedLength,
        (int) Math.min(originalLength, Integer.MAX_VALUE));
    in.readerIndex(dataOffset + (int) capturedLength);
    return CaptureReadResult.RECORD;
  }

  @Override
  public CaptureReadResult finish(ByteBuf in) {
    if (fatal != null) {
      return fatal;
    }
    if (!headerRead) {
      return fail(CaptureReadResult.TRUNCATED_FILE_HEADER);
    }
    return in.isReadable()
        ? fail(CaptureReadResult.TRUNCATED_RECORD)
        : CaptureReadResult.END_OF_INPUT;
  }

  /** Parses the file header; null when done, else the result to return. */
  private CaptureReadResult readFileHeader(ByteBuf in) {
    if (in.readableBytes() < PcapFormat.FILE_HEADER_LENGTH) {
      return CaptureReadResult.NEED_MORE_DATA;
    }
    int start = in.readerIndex();
    int magic = in.getInt(start + PcapFormat.MAGIC_OFFSET);
    if (magic == PcapFormat.MAGIC_MICROS || magic == PcapFormat.MAGIC_NANOS) {
      bigEndian = true;
    } else if (Integer.reverseBytes(magic) == PcapFormat.MAGIC_MICROS
        || Integer.reverseBytes(magic) == PcapFormat.MAGIC_NANOS) {
      bigEndian = false;
      magic = Integer.reverseBytes(magic);
    } else {
      return fail(CaptureReadResult.BAD_MAGIC);
    }
    nanosecondResolution = magic == PcapFormat.MAGIC_NANOS;
    versionMajor = u16(in, start + PcapFormat.VERSION_MAJOR_OFFSET);
    versionMinor = u16(in, start + PcapFormat.VERSION_MINOR_OFFSET);
    if (versionMajor != PcapFormat.VERSION_MAJOR) {
      return fail(CaptureReadResult.UNSUPPORTED_VERSION);
    }
    snapLenBytes = u32(in, start + PcapFormat.SNAP_LEN_OFFSET);
    int linkTypeWord = (int) u32(in, start + PcapFormat.LINK_TYPE_OFFSET);
    linkType = linkTypeWord & PcapFormat.LINK_TYPE_MASK;
    fcsLengthBytes =
        (linkTypeWord & PcapFormat.LINK_TYPE_FCS_PRESENT_BIT) != 0
            ? (linkTypeWord >>> PcapFormat.LINK_TYPE_FCS_SHIFT) * 2
            : -1;
    // Like libpcap, tolerate records above a too-small header snap length, up to MAXIMUM_SNAPLEN.
    recordLimitBytes =
        Math.min(maxRecordBytes, Math.max(snapLenBytes, PcapFormat.MAXIMUM_SNAP_LEN_BYTES));
    headerRead = true;
    in.readerIndex(start + PcapFormat.FILE_HEADER_LENGTH);
    return null;
  }

  private CaptureReadResult fail(CaptureReadResult reason) {
    fatal = reason;
    return reason;
  }

  private long u32(ByteBuf in, int index) {
    return (bigEndian ? in.getInt(index) : in.getIntLE(index)) & 0xFFFF_FFFFL;
  }

  private int u16(ByteBuf in, int index) {
    return bigEndian ? in.getUnsignedShort(index) : in.getUnsignedShortLE(index);
  }

  /** True once the file header has been read. */
  public boolean headerRead() {
    return headerRead;
  }

  /** True if the file is big-endian. */
  public boolean bigEndian() {
    return bigEndian;
  }

  /** True for the nanosecond magic, false for microseconds. */
  public boolean nanosecondResolution() {
    return nanosecondResolution;
  }

  public int versionMajor() {
    return versionMajor;
  }

  public int versionMinor() {
    return versionMinor;
  }

  /** SnapLen from the file header (unsigned). */
  public long snapLenBytes() {
    return snapLenBytes;
  }

  /** LINKTYPE_* (the low 16 bits of the LinkType word). */
  public int linkType() {
    return linkType;
  }

  /** Bytes of FCS at the end of each packet if the P bit is set, else -1 (link type decides). */
  public int fcsLengthBytes() {
    return fcsLengthBytes;
  }
}
