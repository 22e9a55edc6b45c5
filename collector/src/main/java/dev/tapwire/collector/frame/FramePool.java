package dev.tapwire.collector.frame;

import dev.tapwire.runtime.work.MpmcQueue;
import java.nio.ByteBuffer;

/**
 * A fixed set of frame slots of one size, allocated once in direct memory. Taking a slot when none
 * is free fails (the caller counts a drop): memory never grows with load.
 *
 * <p>Frames are taken by the receivers (and decode, for reassembled datagrams) and come back from
 * any stage or sink thread, so the free list is a lock-free multi-producer multi-consumer queue
 * ({@link MpmcQueue}: one compare-and-set per take or give-back, no lock, no wake-up); it holds at
 * most {@link #slotCount()} references and never allocates per operation.
 */
public final class FramePool {
  private final int slotBytes;
  private final int slotCount;
  private final MpmcQueue<Frame> free;

  public FramePool(int slotBytes, int slotCount) {
    if (slotBytes < 64 || slotCount < 1) {
      throw new IllegalArgumentException("bad pool size " + slotBytes + " x " + slotCount);
    }
    this.slotBytes = slotBytes;
    this.slotCount = slotCount;
    this.free = new MpmcQueue<>(slotCount);
    ByteBuffer arena = ByteBuffer.allocateDirect(Math.multiplyExact(slotBytes, slotCount));
    for (int i = 0; i < slotCount; i++) {
      ByteBuffer slot = arena.slice(i * slotBytes, slotBytes);
      free.offer(new Frame(this, slot));
    }
  }

  /** A free frame owned by the caller, or null when all are in flight. */
  public Frame take() {
    Frame frame = free.poll();
    if (frame != null) {
      frame.reset();
    }
    return frame;
  }

  void giveBack(Frame frame) {
    if (!free.offer(frame)) {
      throw new IllegalStateException("frame returned to a full pool");
    }
  }

  public int slotBytes() {
    return slotBytes;
  }

  public int slotCount() {
    return slotCount;
  }

  public int freeSlots() {
    return free.size();
  }
}
