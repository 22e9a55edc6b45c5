package dev.tapwire.agent.metrics;

/**
 * The agent's counters at one moment, summed over interfaces.
 *
 * @param streamFull gRPC: dropped because the stream's window or buffer was full
 * @param collectorUnreachable gRPC: dropped because no stream to the collector was open
 * @param inFlight frames in the hand-offs, the unsent batch and (gRPC) the unacknowledged batches
 *     when read
 */
public record AgentTotals(
    long captured,
    long sent,
    long sampledOut,
    long queueFull,
    long rateLimited,
    long sendError,
    long streamFull,
    long collectorUnreachable,
    long truncated,
    long oversize,
    long kernelDrops,
    long inFlight) {

  /** Every reason a captured frame was not sent. */
  public long dropped() {
    return sampledOut + queueFull + rateLimited + sendError + streamFull + collectorUnreachable;
  }

  /** Whether {@code captured = sent + dropped + in flight}. */
  public boolean balanced() {
    return captured == sent + dropped() + inFlight;
  }
}
