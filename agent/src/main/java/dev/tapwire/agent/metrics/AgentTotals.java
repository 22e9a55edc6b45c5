package dev.tapwire.agent.metrics;

/**
 * The agent's counters at one moment, summed over interfaces.
 *
 * @param inFlight frames in the hand-offs and the unsent batch when read
 */
public record AgentTotals(
    long captured,
    long sent,
    long sampledOut,
    long queueFull,
    long rateLimited,
    long sendError,
    long truncated,
    long oversize,
    long kernelDrops,
    long inFlight) {

  /** Every reason a captured frame was not sent. */
  public long dropped() {
    return sampledOut + queueFull + rateLimited + sendError;
  }

  /** Whether {@code captured = sent + dropped + in flight}. */
  public boolean balanced() {
    return captured == sent + dropped() + inFlight;
  }
}
