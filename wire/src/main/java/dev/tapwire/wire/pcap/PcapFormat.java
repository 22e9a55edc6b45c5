package dev.tapwire.wire.pcap;

/**
 * Layout of classic pcap: the 24-byte file header and the 16-byte record header (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcap#section-4">draft-ietf-opsawg-pcap
 * section 4</a> and <a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcap#section-5">section 5</a>).
 * Offsets are relative to the start of the header; fields are in the writer's byte order.
 */
public final class PcapFormat {
  /** Magic of a microsecond file, as a 32-bit value in the file's byte order. */
  public static final int MAGIC_MICROS = 0xA1B2C3D4;

  /** Magic of a nanosecond file, as a 32-bit value in the file's byte order. */
  public static final int MAGIC_NANOS = 0xA1B23C4D;

  public static final int MAGIC_OFFSET = 0;
  public static final int VERSION_MAJOR_OFFSET = 4;
  public static final int VERSION_MINOR_OFFSET = 6;
  public static final int SNAP_LEN_OFFSET = 16;
  public static final int LINK_TYPE_OFFSET = 20;
  public static final int FILE_HEADER_LENGTH = 24;

  public static final int VERSION_MAJOR = 2;
  public static final int VERSION_MINOR = 4;

  /** LinkType word: P bit, set when the FCS length field is valid. */
  public static final int LINK_TYPE_FCS_PRESENT_BIT = 1 << 26;

  /** LinkType word: FCS length in 16-bit words, in the top 4 bits. */
  public static final int LINK_TYPE_FCS_SHIFT = 28;

  /** LinkType word: the link type proper. */
  public static final int LINK_TYPE_MASK = 0xFFFF;

  public static final int TIMESTAMP_SECONDS_OFFSET = 0;
  public static final int TIMESTAMP_FRACTION_OFFSET = 4;
  public static final int CAPTURED_LENGTH_OFFSET = 8;
  public static final int ORIGINAL_LENGTH_OFFSET = 12;
  public static final int RECORD_HEADER_LENGTH = 16;

  /**
   * libpcap's largest snap length (MAXIMUM_SNAPLEN); a record up to this size is plausible even
   * when the header's snap length is smaller, as some writers get the header wrong.
   */
  public static final int MAXIMUM_SNAP_LEN_BYTES = 262_144;

  private PcapFormat() {}

  /** True if {@code magic}, read big-endian from the first 4 bytes, is one of the 4 pcap magics. */
  public static boolean isMagic(int magic) {
    return magic == MAGIC_MICROS
        || magic == MAGIC_NANOS
        || magic == Integer.reverseBytes(MAGIC_MICROS)
        || magic == Integer.reverseBytes(MAGIC_NANOS);
  }
}
