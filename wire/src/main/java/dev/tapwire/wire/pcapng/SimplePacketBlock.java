package dev.tapwire.wire.pcapng;

/**
 * Simple Packet Block layout (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.4">draft-ietf-opsawg-pcapng
 * section 4.4</a>): no interface id (always interface 0), no timestamp, no options; the captured
 * length is min(Original Packet Length, the interface's SnapLen).
 */
public final class SimplePacketBlock {
  public static final int ORIGINAL_LENGTH_OFFSET = 8;
  public static final int DATA_OFFSET = 12;

  /** Smallest valid SPB: the original length and the trailing length. */
  public static final int MIN_LENGTH = 16;

  private SimplePacketBlock() {}
}
