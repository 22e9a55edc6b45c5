package dev.tapwire.collector.control;

import dev.tapwire.proto.v1.CapturePolicy;

/** An open WatchPolicy stream. The registry calls it under its lock, so calls are serialised. */
interface PolicyWatch {
  /**
   * Sends a complete policy.
   *
   * @return false when the stream is gone (the registry then forgets it)
   */
  boolean send(CapturePolicy policy);
}
