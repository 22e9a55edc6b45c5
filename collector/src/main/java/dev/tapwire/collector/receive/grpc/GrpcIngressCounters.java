package dev.tapwire.collector.receive.grpc;

import dev.tapwire.collector.metrics.SingleWriterCounters;
import dev.tapwire.runtime.metrics.SingleWriterCounter;

/**
 * What the gRPC hand-off counts beyond its {@code ReceiveCounters}; written under the hand-off's
 * lock, read by anyone.
 */
public final class GrpcIngressCounters {
  /** Batches received, on every stream. */
  public final SingleWriterCounter batches = new SingleWriterCounter();

  /** Batches whose {@code batch_sequence} skipped numbers (a sequence gap event). */
  public final SingleWriterCounter batchGaps = new SingleWriterCounter();

  /** Frames refused as malformed, by {@link GrpcInvalidReason}. */
  public final SingleWriterCounters invalid =
      new SingleWriterCounters(GrpcInvalidReason.values().length);

  /** Frames refused because the collector was stopping. */
  public final SingleWriterCounter refusedStopping = new SingleWriterCounter();

  /** Times a stream stopped asking for batches because the queue to decode was nearly full. */
  public final SingleWriterCounter pauses = new SingleWriterCounter();

  /** Streams open now. */
  public final SingleWriterCounter openStreams = new SingleWriterCounter();
}
