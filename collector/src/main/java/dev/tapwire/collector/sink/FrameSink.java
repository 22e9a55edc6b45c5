package dev.tapwire.collector.sink;

import dev.tapwire.collector.frame.Frame;

/**
 * A destination of merged frames (capture files, the mirror NIC). Each sink runs on its own thread
 * behind a bounded queue: {@link #offer} never blocks; a refused frame stays owned by the caller,
 * which counts it as dropped by this sink ({@code reason="queue_full"}) and releases it. A sink
 * releases every frame it accepted exactly once, whether it delivered it or dropped it (and counted
 * why).
 */
public interface FrameSink extends AutoCloseable {
  /** Metric label of the sink: {@code file}, {@code mirror}, ... */
  String name();

  /** Starts the sink's thread. */
  void start();

  /** Hands one frame reference to the sink; false when its queue is full. Merge thread only. */
  boolean offer(Frame frame);

  /** Frames written or transmitted. */
  long framesDelivered();

  /** Frames accepted and then dropped, by reason label (e.g. {@code disk_full}). */
  java.util.Map<String, Long> framesDroppedByReason();

  /**
   * Copies lost by a sink that fans frames out to several clients (the live tap), by reason label
   * (e.g. {@code slow_reader}). Exported with the sink's drops but outside the per-frame books: one
   * frame may be lost by one client and delivered to another.
   */
  default java.util.Map<String, Long> copiesDroppedByReason() {
    return java.util.Map.of();
  }

  /** Frames waiting in the sink's queue. */
  int queuedFrames();

  /** False once the sink cannot work any more (its thread failed). */
  boolean healthy();

  /** Delivers or drops what is queued, flushes, and stops the thread. */
  @Override
  void close();
}
