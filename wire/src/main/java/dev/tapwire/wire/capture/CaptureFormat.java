package dev.tapwire.wire.capture;

import dev.tapwire.wire.pcap.PcapFormat;
import dev.tapwire.wire.pcapng.PcapngBlockType;
import io.netty.buffer.ByteBuf;

/**
 * Capture file formats, told apart by their first 4 bytes: a pcap magic number (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcap#section-4">draft-ietf-opsawg-pcap
 * section 4</a>) or the pcapng Section Header Block type (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.1">draft-ietf-opsawg-pcapng
 * section 4.1</a>).
 */
public enum CaptureFormat {
  PCAP,
  PCAPNG,
  UNKNOWN;

  /** Bytes {@link #detect} needs. */
  public static final int DETECT_LENGTH = 4;

  /**
   * The format of a file starting at {@code firstBytes}' reader index; {@link #UNKNOWN} if fewer
   * than {@link #DETECT_LENGTH} bytes are readable or they match no format. Indexes are unchanged.
   */
  public static CaptureFormat detect(ByteBuf firstBytes) {
    if (firstBytes.readableBytes() < DETECT_LENGTH) {
      return UNKNOWN;
    }
    int magic = firstBytes.getInt(firstBytes.readerIndex());
    if (magic == PcapngBlockType.SECTION_HEADER) {
      return PCAPNG;
    }
    return PcapFormat.isMagic(magic) ? PCAP : UNKNOWN;
  }
}
