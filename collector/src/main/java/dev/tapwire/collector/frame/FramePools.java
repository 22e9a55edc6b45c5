package dev.tapwire.collector.frame;

/**
 * Two slot sizes: most mirrored frames fit a small slot; jumbo frames and reassembled datagrams
 * take a large one. Keeps memory bounded without sizing every slot for 64 KiB.
 */
public final class FramePools {
  public static final int SMALL_SLOT_BYTES = 2_048;
  public static final int LARGE_SLOT_BYTES = 65_536;

  private final FramePool small;
  private final FramePool large;

  public FramePools(int smallSlots, int largeSlots) {
    this.small = new FramePool(SMALL_SLOT_BYTES, smallSlots);
    this.large = new FramePool(LARGE_SLOT_BYTES, largeSlots);
  }

  /** A frame with room for {@code packetBytes}, or null when none is free. */
  public Frame take(int packetBytes) {
    if (packetBytes <= SMALL_SLOT_BYTES) {
      Frame frame = small.take();
      return frame != null ? frame : large.take();
    }
    return packetBytes <= LARGE_SLOT_BYTES ? large.take() : null;
  }

  public FramePool small() {
    return small;
  }

  public FramePool large() {
    return large;
  }

  /** Bytes of direct memory the pools hold. */
  public long reservedBytes() {
    return (long) small.slotBytes() * small.slotCount()
        + (long) large.slotBytes() * large.slotCount();
  }
}
