package dev.tapwire.collector.merge;

import dev.tapwire.collector.frame.Frame;

/**
 * A binary min-heap of frames by capture time (ties by arrival order), in a preallocated array:
 * adding and removing allocate nothing. Merge thread only.
 */
final class FrameHeap {
  private final Frame[] frames;
  private int size;

  FrameHeap(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("heap capacity must be >= 1: " + capacity);
    }
    this.frames = new Frame[capacity];
  }

  int size() {
    return size;
  }

  int capacity() {
    return frames.length;
  }

  boolean isEmpty() {
    return size == 0;
  }

  boolean isFull() {
    return size == frames.length;
  }

  /** Adds a frame; the caller makes room first when {@link #isFull()}. */
  void add(Frame frame) {
    if (size == frames.length) {
      throw new IllegalStateException("frame heap full");
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Frame p = frames[parent];
      if (!before(frame, p)) {
        break;
      }
      frames[i] = p;
      i = parent;
    }
    frames[i] = frame;
  }

  /** The earliest frame, or null. */
  Frame peek() {
    return size == 0 ? null : frames[0];
  }

  /** Removes and returns the earliest frame, or null. */
  Frame poll() {
    if (size == 0) {
      return null;
    }
    Frame top = frames[0];
    Frame last = frames[--size];
    frames[size] = null;
    if (size > 0) {
      siftDown(last);
    }
    return top;
  }

  private void siftDown(Frame frame) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(frames[right], frames[child])) {
        child = right;
      }
      if (!before(frames[child], frame)) {
        break;
      }
      frames[i] = frames[child];
      i = child;
    }
    frames[i] = frame;
  }

  private static boolean before(Frame a, Frame b) {
    return a.captureTimeNs < b.captureTimeNs
        || (a.captureTimeNs == b.captureTimeNs && a.mergeSequence < b.mergeSequence);
  }
}
