package dev.tapwire.collector.merge;

import dev.tapwire.collector.frame.Frame;

/**
 * The frames held by the merge in arrival order, so that the merge knows the oldest arrival still
 * waiting: when its window has passed, frames are released (earliest capture time first) until it
 * is out, which bounds every frame's wait by the window. A released frame leaves a hole that is
 * skipped once everything older is gone. Merge thread only; no allocation.
 */
final class ArrivalRing {
  private final Frame[] ring;
  private final int mask;
  private long head;
  private long tail;

  ArrivalRing(int minimumCapacity) {
    int capacity = Integer.highestOneBit(Math.max(2, minimumCapacity) - 1) << 1;
    this.ring = new Frame[capacity];
    this.mask = capacity - 1;
  }

  /** True when no further arrival fits until the oldest one leaves. */
  boolean isFull() {
    return tail - head == ring.length;
  }

  /** Records an arrival and numbers it ({@link Frame#mergeSequence}). */
  void add(Frame frame) {
    if (isFull()) {
      throw new IllegalStateException("arrival ring full");
    }
    frame.mergeSequence = tail;
    ring[(int) (tail & mask)] = frame;
    tail++;
  }

  /** Forgets a frame that left the merge. */
  void remove(Frame frame) {
    int index = (int) (frame.mergeSequence & mask);
    if (ring[index] == frame) {
      ring[index] = null;
    }
    while (head < tail && ring[(int) (head & mask)] == null) {
      head++;
    }
  }

  /** The oldest arrival still held, or null. */
  Frame oldest() {
    return head < tail ? ring[(int) (head & mask)] : null;
  }
}
