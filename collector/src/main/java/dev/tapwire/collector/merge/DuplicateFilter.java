package dev.tapwire.collector.merge;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.runtime.metrics.SingleWriterCounter;

/**
 * Recognises the same packet mirrored at two capture points: a frame whose masked hash ({@link
 * FrameHasher}) matches one already delivered from another stream, with capture times at most the
 * window apart, is a duplicate. The table is fixed (open addressing, a few probes); an entry older
 * than the window is free again. When no slot is free the frame is not remembered and goes through
 * (fail open), counted in {@link #tableFull()}. Merge thread only; no allocation.
 */
public final class DuplicateFilter {
  private static final int MAX_PROBES = 8;

  private final FrameHasher hasher = new FrameHasher();
  private final long windowNs;
  private final long[] hashes;
  private final long[] captureTimesNs;
  private final long[] streamIds;
  private final int mask;
  private final SingleWriterCounter tableFull = new SingleWriterCounter();

  /**
   * @param capacity entries remembered, rounded up to a power of two: at least the frames of one
   *     window at the peak rate
   * @param windowNs how far apart in capture time two copies may be
   */
  public DuplicateFilter(int capacity, long windowNs) {
    int size = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
    this.windowNs = windowNs;
    this.hashes = new long[size];
    this.captureTimesNs = new long[size];
    this.streamIds = new long[size];
    this.mask = size - 1;
    java.util.Arrays.fill(captureTimesNs, Long.MIN_VALUE);
  }

  /** True when {@code frame} repeats a frame of another stream seen within the window. */
  public boolean isDuplicate(Frame frame) {
    long hash =
        hasher.hash(frame.buffer(), frame.innerOffset, frame.innerLength, frame.innerLinkType);
    long timeNs = frame.captureTimeNs;
    long streamId = frame.stream == null ? -1 : frame.stream.id();
    int free = -1;
    int index = (int) (hash ^ (hash >>> 32)) & mask;
    for (int probe = 0; probe < MAX_PROBES; probe++, index = (index + 1) & mask) {
      long storedNs = captureTimesNs[index];
      boolean live = storedNs != Long.MIN_VALUE && Math.abs(timeNs - storedNs) <= windowNs;
      if (!live) {
        if (free < 0) {
          free = index;
        }
        continue;
      }
      if (hashes[index] == hash && streamIds[index] != streamId) {
        return true;
      }
    }
    if (free < 0) {
      tableFull.increment();
      return false;
    }
    hashes[free] = hash;
    captureTimesNs[free] = timeNs;
    streamIds[free] = streamId;
    return false;
  }

  /** Frames not remembered because the table had no free slot (delivered unchecked). */
  public long tableFull() {
    return tableFull.get();
  }
}
