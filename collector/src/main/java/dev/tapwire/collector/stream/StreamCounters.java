package dev.tapwire.collector.stream;

/**
 * Per-stream counters. The decode stage is the only writer (plain increments on its thread,
 * published with release stores); sinks and the metrics scrape read them with acquire loads, so the
 * hot path takes no lock and no atomic read-modify-write.
 */
public final class StreamCounters {
  private volatile long frames;
  private volatile long bytes;
  private volatile long gapEvents;
  private volatile long framesLost;
  private volatile long truncatedFrames;
  private volatile long firstSeenNs;
  private volatile long lastSeenNs;

  /** Decode stage only. */
  public void countFrame(int lengthBytes, boolean truncated, long nowEpochNs) {
    if (frames == 0) {
      firstSeenNs = nowEpochNs;
    }
    frames = frames + 1;
    bytes = bytes + lengthBytes;
    if (truncated) {
      truncatedFrames = truncatedFrames + 1;
    }
    lastSeenNs = nowEpochNs;
  }

  /**
   * Decode stage only: the change in the stream's network loss from its sequence numbers (may be
   * negative when a late frame fills a gap counted earlier).
   */
  public void countLoss(long lossDelta) {
    if (lossDelta > 0) {
      gapEvents = gapEvents + 1;
    }
    if (lossDelta != 0) {
      framesLost = framesLost + lossDelta;
    }
  }

  public long frames() {
    return frames;
  }

  public long bytes() {
    return bytes;
  }

  public long gapEvents() {
    return gapEvents;
  }

  public long framesLost() {
    return framesLost;
  }

  public long truncatedFrames() {
    return truncatedFrames;
  }

  public long firstSeenNs() {
    return firstSeenNs;
  }

  public long lastSeenNs() {
    return lastSeenNs;
  }
}
