package dev.tapwire.collector.sink;

import dev.tapwire.runtime.work.Worker;

/** The single-threaded worker behind a {@link QueuedSink}. */
public interface SinkWorker extends Worker {
  /**
   * Delivers or drops what is still queued, flushes and releases resources. Called on the worker's
   * thread when it stops, or by {@link QueuedSink#close} when the thread was never started.
   */
  void closeAt(long nowNs);
}
