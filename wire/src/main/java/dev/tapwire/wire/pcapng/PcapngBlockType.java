package dev.tapwire.wire.pcapng;

/**
 * Block Type codes (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-10.1">draft-ietf-opsawg-pcapng
 * section 10.1</a>).
 */
public final class PcapngBlockType {
  /** Section Header Block; the value reads the same in both byte orders. */
  public static final int SECTION_HEADER = 0x0A0D0D0A;

  public static final int INTERFACE_DESCRIPTION = 0x00000001;

  /** Obsolete Packet Block, still found in old files. */
  public static final int PACKET = 0x00000002;

  public static final int SIMPLE_PACKET = 0x00000003;
  public static final int NAME_RESOLUTION = 0x00000004;
  public static final int INTERFACE_STATISTICS = 0x00000005;
  public static final int ENHANCED_PACKET = 0x00000006;
  public static final int DECRYPTION_SECRETS = 0x0000000A;
  public static final int CUSTOM_COPY = 0x00000BAD;
  public static final int CUSTOM_NO_COPY = 0x40000BAD;

  /** Block Type and Block Total Length at the start, Block Total Length at the end. */
  public static final int BLOCK_OVERHEAD_LENGTH = 12;

  public static final int TYPE_OFFSET = 0;
  public static final int TOTAL_LENGTH_OFFSET = 4;
  public static final int BODY_OFFSET = 8;

  private PcapngBlockType() {}
}
