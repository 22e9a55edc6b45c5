package dev.tapwire.runtime.work;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins a little, yields a little, then parks with an exponentially growing period up to {@code
 * maxParkNs}. A 2-core machine cannot afford busy spinning, so the spin and yield phases are short.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
  private final int maxSpins;
  private final int maxYields;
  private final long minParkNs;
  private final long maxParkNs;
  private int spins;
  private int yields;
  private long parkNs;

  public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNs, long maxParkNs) {
    if (maxSpins < 0 || maxYields < 0 || minParkNs < 1 || maxParkNs < minParkNs) {
      throw new IllegalArgumentException("bad backoff parameters");
    }
    this.maxSpins = maxSpins;
    this.maxYields = maxYields;
    this.minParkNs = minParkNs;
    this.maxParkNs = maxParkNs;
    this.parkNs = minParkNs;
  }

  /** Defaults for data-path stages: 10 spins, 5 yields, parks of 1 µs to 1 ms. */
  public static BackoffIdleStrategy forDataPath() {
    return new BackoffIdleStrategy(10, 5, 1_000, 1_000_000);
  }

  /**
   * For stages fed in bursts that share a small machine's cores with the stage feeding them (the
   * collector behind a receive ring): 10 spins, no yields ({@code sched_yield} on a busy core hands
   * the core around for nothing), parks of 50 µs to 1 ms. A burst then costs a few wake-ups instead
   * of one per small batch; the queue in front holds what arrives meanwhile.
   */
  public static BackoffIdleStrategy forBurstyStage() {
    return new BackoffIdleStrategy(10, 0, 50_000, 1_000_000);
  }

  @Override
  public void idle(int workCount) {
    if (workCount > 0) {
      spins = 0;
      yields = 0;
      parkNs = minParkNs;
      return;
    }
    if (spins < maxSpins) {
      spins++;
      Thread.onSpinWait();
    } else if (yields < maxYields) {
      yields++;
      Thread.yield();
    } else {
      LockSupport.parkNanos(parkNs);
      parkNs = Math.min(parkNs << 1, maxParkNs);
    }
  }
}
