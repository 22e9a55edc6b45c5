package dev.tapwire.agent.control;

import java.util.random.RandomGenerator;

/**
 * Delays between reconnection attempts: doubling from {@code initialNs} up to {@code maxNs}, each
 * spread by ±20% so that agents restarted together do not call the collector in step.
 */
public final class Backoff {
  private static final double JITTER = 0.2;

  private final long initialNs;
  private final long maxNs;
  private final RandomGenerator random;
  private int failures;

  public Backoff(long initialNs, long maxNs, RandomGenerator random) {
    if (initialNs <= 0 || maxNs < initialNs) {
      throw new IllegalArgumentException("need 0 < initial <= max");
    }
    this.initialNs = initialNs;
    this.maxNs = maxNs;
    this.random = random;
  }

  /** The delay before the next attempt, after one more failure. */
  public long nextDelayNs() {
    long base = initialNs;
    for (int i = 0; i < failures && base < maxNs; i++) {
      base *= 2;
    }
    failures++;
    base = Math.min(base, maxNs);
    double factor = 1 - JITTER + 2 * JITTER * random.nextDouble();
    return (long) (base * factor);
  }

  /** After a success: the next failure waits {@code initialNs} again. */
  public void reset() {
    failures = 0;
  }

  /** Failures since the last success. */
  public int failures() {
    return failures;
  }
}
