package dev.tapwire.agent.encap;

/**
 * A token bucket: {@code ratePerSecond} tokens accrue continuously up to {@code burst}. Time is an
 * argument (monotonic nanoseconds), so tests drive it. Single-threaded.
 */
public final class TokenBucket {
  private final double ratePerNs;
  private final double burst;
  private double tokens;
  private long lastNs;
  private boolean started;

  /**
   * @param ratePerSecond tokens per second, &gt; 0
   * @param burst the most tokens held (and so the largest burst), &gt; 0
   */
  public TokenBucket(long ratePerSecond, long burst) {
    if (ratePerSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("rate and burst must be > 0");
    }
    this.ratePerNs = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Adds the tokens accrued up to {@code nowNs}. */
  public void refill(long nowNs) {
    if (!started) {
      started = true;
      lastNs = nowNs;
      return;
    }
    long elapsedNs = nowNs - lastNs;
    if (elapsedNs > 0) {
      tokens = Math.min(burst, tokens + elapsedNs * ratePerNs);
      lastNs = nowNs;
    }
  }

  /** Whether {@code amount} tokens are there (after {@link #refill}). */
  public boolean has(long amount) {
    return tokens >= amount;
  }

  /** Takes {@code amount} tokens; call only after {@link #has} said yes. */
  public void take(long amount) {
    tokens -= amount;
  }
}
