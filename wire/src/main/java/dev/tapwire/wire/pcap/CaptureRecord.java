package dev.tapwire.wire.pcap;

import io.netty.buffer.ByteBuf;

/**
 * One captured packet as read from a pcap or pcapng file: a mutable holder that a reader fills on
 * every {@code RECORD} result, so reading allocates nothing per packet.
 *
 * <p>The data is a view ({@link #data()}, {@link #dataOffset()}, {@link #capturedLength()}) into
 * the buffer the reader was given. It stays valid until the next call on the reader, or until the
 * caller moves or releases bytes of that buffer (for example with {@code discardReadBytes()}).
 */
public final class CaptureRecord {
  /** {@link #timestampNs()} of a record that carries no time (a pcapng Simple Packet Block). */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  /** {@link #dropCount()} when the record says nothing about drops. */
  public static final long NO_DROP_COUNT = -1;

  private int linkType;
  private int interfaceId;
  private long timestampNs;
  private int capturedLength;
  private int originalLength;
  private ByteBuf data;
  private int dataOffset;
  private int flags;
  private long dropCount = NO_DROP_COUNT;

  /**
   * Sets every field of a record; readers call it. Flags are reset to 0 and the drop count to
   * {@link #NO_DROP_COUNT}; pcapng readers then call {@link #setPacketMetadata}.
   */
  public void set(
      int linkType,
      int interfaceId,
      long timestampNs,
      ByteBuf data,
      int dataOffset,
      int capturedLength,
      int originalLength) {
    this.linkType = linkType;
    this.interfaceId = interfaceId;
    this.timestampNs = timestampNs;
    this.data = data;
    this.dataOffset = dataOffset;
    this.capturedLength = capturedLength;
    this.originalLength = originalLength;
    this.flags = 0;
    this.dropCount = NO_DROP_COUNT;
  }

  /** Sets the pcapng packet options that Tapwire uses: epb_flags and epb_dropcount. */
  public void setPacketMetadata(int flags, long dropCount) {
    this.flags = flags;
    this.dropCount = dropCount;
  }

  /** LINKTYPE_* of the interface the packet was captured on; see {@link LinkType}. */
  public int linkType() {
    return linkType;
  }

  /** pcapng interface id within the current section; always 0 for classic pcap. */
  public int interfaceId() {
    return interfaceId;
  }

  /** Capture time in nanoseconds since the Unix epoch, or {@link #NO_TIMESTAMP}. */
  public long timestampNs() {
    return timestampNs;
  }

  /** Number of data bytes present in the file. */
  public int capturedLength() {
    return capturedLength;
  }

  /** Length of the packet on the wire; may exceed {@link #capturedLength()} after truncation. */
  public int originalLength() {
    return originalLength;
  }

  /** Buffer holding the data; the data starts at {@link #dataOffset()} (an absolute index). */
  public ByteBuf data() {
    return data;
  }

  /** Absolute index of the first data byte in {@link #data()}. */
  public int dataOffset() {
    return dataOffset;
  }

  /** pcapng epb_flags (direction, reception type, FCS length, link-layer errors); 0 if absent. */
  public int flags() {
    return flags;
  }

  /** pcapng epb_dropcount: packets lost since the previous one on this interface; -1 if absent. */
  public long dropCount() {
    return dropCount;
  }
}
