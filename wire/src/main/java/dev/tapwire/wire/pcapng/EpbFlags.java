package dev.tapwire.wire.pcapng;

/**
 * Bits of the epb_flags option (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.3.1">draft-ietf-opsawg-pcapng
 * section 4.3.1</a>). Bit 0 is the least significant.
 */
public final class EpbFlags {
  /** Bits 0-1: direction. */
  public static final int DIRECTION_MASK = 0b11;

  public static final int DIRECTION_UNKNOWN = 0b00;
  public static final int INBOUND = 0b01;
  public static final int OUTBOUND = 0b10;

  /** Bits 2-4: reception type. */
  public static final int RECEPTION_TYPE_SHIFT = 2;

  public static final int RECEPTION_UNICAST = 1 << RECEPTION_TYPE_SHIFT;
  public static final int RECEPTION_MULTICAST = 2 << RECEPTION_TYPE_SHIFT;
  public static final int RECEPTION_BROADCAST = 3 << RECEPTION_TYPE_SHIFT;
  public static final int RECEPTION_PROMISCUOUS = 4 << RECEPTION_TYPE_SHIFT;

  /** Bits 5-8: FCS length in octets, 0 if unknown. */
  public static final int FCS_LENGTH_SHIFT = 5;

  public static final int FCS_LENGTH_MASK = 0xF << FCS_LENGTH_SHIFT;

  public static final int CHECKSUM_NOT_READY = 1 << 9;
  public static final int CHECKSUM_VALID = 1 << 10;
  public static final int TCP_SEGMENTATION_OFFLOADED = 1 << 11;

  /** Bits 16-31: link-layer errors. */
  public static final int SYMBOL_ERROR = 1 << 31;

  public static final int PREAMBLE_ERROR = 1 << 30;
  public static final int START_FRAME_DELIMITER_ERROR = 1 << 29;
  public static final int UNALIGNED_FRAME_ERROR = 1 << 28;
  public static final int WRONG_INTER_FRAME_GAP_ERROR = 1 << 27;
  public static final int PACKET_TOO_SHORT_ERROR = 1 << 26;
  public static final int PACKET_TOO_LONG_ERROR = 1 << 25;
  public static final int CRC_ERROR = 1 << 24;

  private EpbFlags() {}

  /** The direction bits of {@code flags}: {@link #INBOUND}, {@link #OUTBOUND} or 0. */
  public static int direction(int flags) {
    return flags & DIRECTION_MASK;
  }

  /** The FCS length field for {@code octets} (0 to 15), to OR into the flags. */
  public static int fcsLength(int octets) {
    if (octets < 0 || octets > 15) {
      throw new IllegalArgumentException("FCS length must be 0..15 octets: " + octets);
    }
    return octets << FCS_LENGTH_SHIFT;
  }
}
