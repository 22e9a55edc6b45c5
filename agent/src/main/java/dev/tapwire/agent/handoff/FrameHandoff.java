package dev.tapwire.agent.handoff;

import dev.tapwire.runtime.work.SpscQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The bounded hand-off from one capture thread to the send thread: a fixed pool of {@link
 * FrameSlot}s in one native allocation and two {@link SpscQueue}s, {@code free} (send to capture)
 * and {@code ready} (capture to send). The capture thread {@link #claim}s a free slot, fills it and
 * {@link #publish}es it; the sender takes it with {@link #next} and gives it back with {@link
 * #release}. When no slot is free the capture thread drops the frame and counts it: capture never
 * blocks and memory never grows. Nothing is allocated per frame.
 */
public final class FrameHandoff implements AutoCloseable {
  private final Arena arena = Arena.ofShared();
  private final SpscQueue<FrameSlot> free;
  private final SpscQueue<FrameSlot> ready;
  private final int slots;
  private final int slotBytes;

  /**
   * @param slots frames the hand-off holds
   * @param slotBytes largest frame prefix a slot holds
   */
  public FrameHandoff(int slots, int slotBytes) {
    if (slots < 1 || slotBytes < 1) {
      throw new IllegalArgumentException("slots and slotBytes must be > 0");
    }
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.free = new SpscQueue<>(slots);
    this.ready = new SpscQueue<>(slots);
    long stride = (slotBytes + 63L) & ~63L;
    MemorySegment memory = arena.allocate(stride * slots, 64);
    for (int i = 0; i < slots; i++) {
      free.offer(new FrameSlot(memory.asSlice(i * stride, slotBytes)));
    }
  }

  /** A free slot, or null when all are in use (the caller drops and counts). Capture thread. */
  public FrameSlot claim() {
    return free.poll();
  }

  /** Hands a filled slot to the sender. Capture thread. */
  public void publish(FrameSlot slot) {
    if (!ready.offer(slot)) {
      throw new IllegalStateException("more slots published than the pool holds");
    }
  }

  /** The oldest filled slot, or null. Send thread. */
  public FrameSlot next() {
    return ready.poll();
  }

  /** Returns a slot to the pool once its frame is encoded. Send thread. */
  public void release(FrameSlot slot) {
    if (!free.offer(slot)) {
      throw new IllegalStateException("more slots released than the pool holds");
    }
  }

  /** Frames waiting for the sender (approximate while both threads run). */
  public int queuedFrames() {
    return ready.size();
  }

  /** Frames the hand-off holds at most. */
  public int capacityFrames() {
    return slots;
  }

  /** Largest frame prefix a slot holds. */
  public int slotBytes() {
    return slotBytes;
  }

  /** Native memory of the pool. */
  public long memoryBytes() {
    return ((slotBytes + 63L) & ~63L) * slots;
  }

  /** Frees the pool; only once both threads have stopped. */
  @Override
  public void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
