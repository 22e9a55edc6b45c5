package dev.tapwire.collector.merge;

import dev.tapwire.collector.metrics.SingleWriterCounters;
import dev.tapwire.runtime.metrics.SingleWriterCounter;

/** What the merge stage counts; written by the merge thread only, read by anyone. */
public final class MergeCounters {
  /** Frames taken from the decode queue. */
  public final SingleWriterCounter framesIn = new SingleWriterCounter();

  /** Frames older than the last released one (delivered or dropped per the late policy). */
  public final SingleWriterCounter framesLate = new SingleWriterCounter();

  /** Late frames dropped ({@code late-policy: drop}). */
  public final SingleWriterCounter droppedLate = new SingleWriterCounter();

  /** Frames dropped as copies of a frame from another capture point. */
  public final SingleWriterCounter droppedDuplicate = new SingleWriterCounter();

  /** Frames released before their window ended because the heap was full. */
  public final SingleWriterCounter forcedReleases = new SingleWriterCounter();

  /** Frames waiting in the merge heap. */
  public final SingleWriterCounter heapFrames = new SingleWriterCounter();

  /** Frames handed to each sink (index = sink), accepted or not. */
  public final SingleWriterCounters offeredPerSink;

  /** Frames a sink refused because its queue was full (index = sink). */
  public final SingleWriterCounters queueFullPerSink;

  public MergeCounters(int sinks) {
    this.offeredPerSink = new SingleWriterCounters(sinks);
    this.queueFullPerSink = new SingleWriterCounters(sinks);
  }
}
