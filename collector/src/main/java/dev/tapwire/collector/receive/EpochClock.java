package dev.tapwire.collector.receive;

import java.time.Instant;

/** Wall-clock time in ns since the Unix epoch, read once per batch by the receivers. */
public final class EpochClock {
  private EpochClock() {}

  /**
   * Now, in ns since the epoch. The {@link Instant} does not escape, so the JIT removes it; it is
   * read once per received batch, not per frame.
   */
  public static long nowNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
