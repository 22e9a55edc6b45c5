package dev.tapwire.agent.handoff;

import java.lang.foreign.MemorySegment;

/**
 * One pooled frame between the capture and the send thread: a fixed native buffer plus the facts
 * libpcap reported. Filled by the capture thread, read by the sender after the hand-off (the queue
 * orders the accesses), then returned to the pool.
 */
public final class FrameSlot {
  private final MemorySegment data;
  private int capturedLength;
  private int originalLength;
  private long captureTimeNs;

  FrameSlot(MemorySegment data) {
    this.data = data;
  }

  /** The slot's buffer; the frame occupies {@code [0, capturedLength)}. */
  public MemorySegment data() {
    return data;
  }

  /** Largest frame prefix the slot holds. */
  public int capacityBytes() {
    return (int) data.byteSize();
  }

  /** Bytes held (the captured prefix of the frame). */
  public int capturedLength() {
    return capturedLength;
  }

  /** The frame's length on the wire. */
  public int originalLength() {
    return originalLength;
  }

  /** Capture time, nanoseconds since the Unix epoch. */
  public long captureTimeNs() {
    return captureTimeNs;
  }

  /**
   * Copies {@code length} bytes (at most {@link #capacityBytes}) from {@code memory} at {@code
   * offset} and records the frame's facts.
   */
  public void fill(
      MemorySegment memory, long offset, int length, int originalLength, long captureTimeNs) {
    int held = Math.min(length, (int) data.byteSize());
    MemorySegment.copy(memory, offset, data, 0, held);
    this.capturedLength = held;
    this.originalLength = Math.max(originalLength, held);
    this.captureTimeNs = captureTimeNs;
  }
}
