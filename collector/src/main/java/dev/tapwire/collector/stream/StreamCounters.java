package dev.tapwire.collector.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-stream counters. The decode stage is the only writer (plain increments on its thread,
 * published with release stores); sinks and the metrics scrape read them with acquire loads, so the
 * hot path takes no lock, no atomic read-modify-write and no full fence.
 */
public final class StreamCounters {
  private static final VarHandle FRAMES = handle("frames");
  private static final VarHandle BYTES = handle("bytes");
  private static final VarHandle GAP_EVENTS = handle("gapEvents");
  private static final VarHandle FRAMES_LOST = handle("framesLost");
  private static final VarHandle TRUNCATED_FRAMES = handle("truncatedFrames");
  private static final VarHandle FIRST_SEEN_NS = handle("firstSeenNs");
  private static final VarHandle LAST_SEEN_NS = handle("lastSeenNs");

  // Written by the decode thread only, through the handles above.
  private long frames;
  private long bytes;
  private long gapEvents;
  private long framesLost;
  private long truncatedFrames;
  private long firstSeenNs;
  private long lastSeenNs;

  private static VarHandle handle(String field) {
    try {
      return MethodHandles.lookup().findVarHandle(StreamCounters.class, field, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Decode stage only. */
  public void countFrame(int lengthBytes, boolean truncated, long nowEpochNs) {
    if (frames == 0) {
      FIRST_SEEN_NS.setRelease(this, nowEpochNs);
    }
    BYTES.setRelease(this, bytes + lengthBytes);
    if (truncated) {
      TRUNCATED_FRAMES.setRelease(this, truncatedFrames + 1);
    }
    LAST_SEEN_NS.setRelease(this, nowEpochNs);
    FRAMES.setRelease(this, frames + 1);
  }

  /**
   * Decode stage only: the change in the stream's network loss from its sequence numbers (may be
   * negative when a late frame fills a gap counted earlier).
   */
  public void countLoss(long lossDelta) {
    if (lossDelta > 0) {
      GAP_EVENTS.setRelease(this, gapEvents + 1);
    }
    if (lossDelta != 0) {
      FRAMES_LOST.setRelease(this, framesLost + lossDelta);
    }
  }

  public long frames() {
    return (long) FRAMES.getAcquire(this);
  }

  public long bytes() {
    return (long) BYTES.getAcquire(this);
  }

  public long gapEvents() {
    return (long) GAP_EVENTS.getAcquire(this);
  }

  public long framesLost() {
    return (long) FRAMES_LOST.getAcquire(this);
  }

  public long truncatedFrames() {
    return (long) TRUNCATED_FRAMES.getAcquire(this);
  }

  public long firstSeenNs() {
    return (long) FIRST_SEEN_NS.getAcquire(this);
  }

  public long lastSeenNs() {
    return (long) LAST_SEEN_NS.getAcquire(this);
  }
}
