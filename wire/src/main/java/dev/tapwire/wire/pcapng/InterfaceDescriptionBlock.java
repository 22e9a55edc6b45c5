package dev.tapwire.wire.pcapng;

import io.netty.buffer.ByteBuf;

/**
 * Interface Description Block (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.2">draft-ietf-opsawg-pcapng
 * section 4.2</a>): layout, option codes and a little-endian writer. Interface ids are implicit:
 * the n-th IDB of a section is interface n-1.
 */
public final class InterfaceDescriptionBlock {
  public static final int LINK_TYPE_OFFSET = 8;
  public static final int RESERVED_OFFSET = 10;
  public static final int SNAP_LEN_OFFSET = 12;
  public static final int OPTIONS_OFFSET = 16;

  /** Smallest valid IDB: fixed fields and the trailing length. */
  public static final int MIN_LENGTH = 20;

  public static final int OPTION_NAME = 2;
  public static final int OPTION_DESCRIPTION = 3;
  public static final int OPTION_IPV4_ADDRESS = 4;
  public static final int OPTION_IPV6_ADDRESS = 5;
  public static final int OPTION_MAC_ADDRESS = 6;
  public static final int OPTION_EUI_ADDRESS = 7;
  public static final int OPTION_SPEED = 8;
  public static final int OPTION_TSRESOL = 9;
  public static final int OPTION_TZONE = 10;
  public static final int OPTION_FILTER = 11;
  public static final int OPTION_OS = 12;
  public static final int OPTION_FCSLEN = 13;
  public static final int OPTION_TSOFFSET = 14;
  public static final int OPTION_HARDWARE = 15;

  /** First byte of an if_filter value: the rest is a libpcap filter string. */
  public static final int FILTER_TYPE_LIBPCAP = 0;

  private InterfaceDescriptionBlock() {}

  /**
   * Appends an IDB with if_tsresol 9 (always written, so that EPB timestamps are epoch
   * nanoseconds), if_name and if_description, and if present if_filter, if_os, if_hardware,
   * if_speed and if_fcslen.
   *
   * @throws IllegalArgumentException if the description asks for another resolution or an offset,
   *     which {@link EnhancedPacketBlock} does not write
   */
  public static void write(ByteBuf out, InterfaceDescription interfaceDescription) {
    InterfaceDescription d = interfaceDescription;
    if (d.timestampResolution() != InterfaceDescription.TSRESOL_NANOSECONDS
        || d.timestampOffsetSeconds() != 0) {
      throw new IllegalArgumentException(
          "writer only supports if_tsresol 9 and no if_tsoffset: " + d);
    }
    if (d.linkType() < 0 || d.linkType() > 0xFFFF) {
      throw new IllegalArgumentException("linkType must fit in 16 bits: " + d.linkType());
    }
    int start = PcapngBlocks.begin(out, PcapngBlockType.INTERFACE_DESCRIPTION, OPTIONS_OFFSET);
    out.setIntLE(start + LINK_TYPE_OFFSET, d.linkType()); // upper 16 bits: Reserved = 0
    out.setIntLE(start + SNAP_LEN_OFFSET, d.snapLenBytes());
    if (d.name() != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_NAME, d.name());
    }
    if (d.description() != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_DESCRIPTION, d.description());
    }
    PcapngOptionWriter.writeU8(out, OPTION_TSRESOL, InterfaceDescription.TSRESOL_NANOSECONDS);
    if (d.filter() != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_FILTER, FILTER_TYPE_LIBPCAP, 1, d.filter());
    }
    if (d.os() != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_OS, d.os());
    }
    if (d.hardware() != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_HARDWARE, d.hardware());
    }
    if (d.speedBitsPerSecond() >= 0) {
      PcapngOptionWriter.writeU64(out, OPTION_SPEED, d.speedBitsPerSecond());
    }
    if (d.fcsLengthBytes() >= 0) {
      PcapngOptionWriter.writeU8(out, OPTION_FCSLEN, d.fcsLengthBytes());
    }
    PcapngBlocks.end(out, start, start + OPTIONS_OFFSET);
  }
}
