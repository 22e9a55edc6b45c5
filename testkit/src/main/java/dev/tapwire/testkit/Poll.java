package dev.tapwire.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it until a deadline: the way fixtures synchronise with the
 * kernel and with other processes, instead of fixed sleeps. The pause between checks grows from 1
 * ms to 50 ms.
 */
public final class Poll {
  private Poll() {}

  /**
   * Returns as soon as {@code condition} is true; throws {@link AssertionError} naming {@code what}
   * and, if given, the last observed state from {@code state}, once {@code timeout} has passed.
   */
  public static void until(
      Duration timeout, String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseNs = 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        String last = state == null ? "" : "; last state: " + state.get();
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + last);
      }
      LockSupport.parkNanos(pauseNs);
      pauseNs = Math.min(pauseNs * 2, 50_000_000);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }

  /** {@link #until(Duration, String, BooleanSupplier, Supplier)} without a state description. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, what, condition, null);
  }
}
