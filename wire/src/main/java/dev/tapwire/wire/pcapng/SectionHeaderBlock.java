package dev.tapwire.wire.pcapng;

import io.netty.buffer.ByteBuf;

/**
 * Section Header Block (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.1">draft-ietf-opsawg-pcapng
 * section 4.1</a>): layout and a little-endian writer (version 1.0, section length -1, unknown).
 */
public final class SectionHeaderBlock {
  public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
  public static final int BYTE_ORDER_MAGIC_OFFSET = 8;
  public static final int VERSION_MAJOR_OFFSET = 12;
  public static final int VERSION_MINOR_OFFSET = 14;
  public static final int SECTION_LENGTH_OFFSET = 16;
  public static final int OPTIONS_OFFSET = 24;

  /** Smallest valid SHB: fixed fields and the trailing length, no options. */
  public static final int MIN_LENGTH = 28;

  public static final int VERSION_MAJOR = 1;
  public static final int VERSION_MINOR = 0;

  /** Section Length value meaning "not specified", so the section may grow while written. */
  public static final long SECTION_LENGTH_UNKNOWN = -1;

  public static final int OPTION_HARDWARE = 2;
  public static final int OPTION_OS = 3;
  public static final int OPTION_USER_APPLICATION = 4;

  private SectionHeaderBlock() {}

  /**
   * Appends an SHB. Null strings are left out.
   *
   * @param hardware shb_hardware, the capture hardware
   * @param os shb_os, the operating system of the writer
   * @param userApplication shb_userappl, the writing application
   */
  public static void write(ByteBuf out, String hardware, String os, String userApplication) {
    int start = PcapngBlocks.begin(out, PcapngBlockType.SECTION_HEADER, OPTIONS_OFFSET);
    out.setIntLE(start + BYTE_ORDER_MAGIC_OFFSET, BYTE_ORDER_MAGIC);
    out.setIntLE(start + VERSION_MAJOR_OFFSET, VERSION_MAJOR | VERSION_MINOR << 16);
    out.setLongLE(start + SECTION_LENGTH_OFFSET, SECTION_LENGTH_UNKNOWN);
    if (hardware != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_HARDWARE, hardware);
    }
    if (os != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_OS, os);
    }
    if (userApplication != null) {
      PcapngOptionWriter.writeUtf8(out, OPTION_USER_APPLICATION, userApplication);
    }
    PcapngBlocks.end(out, start, start + OPTIONS_OFFSET);
  }
}
