package dev.tapwire.agent.encap;

/**
 * Keeps exactly one frame in every {@code n} (the first, the (n+1)-th, ...): deterministic, so the
 * share forwarded is exact and the collector can scale counts back up. Single-threaded.
 */
public final class OneInNSampler {
  private final int n;
  private int untilNext = 1;

  public OneInNSampler(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1: " + n);
    }
    this.n = n;
  }

  /** Whether to keep the next frame. */
  public boolean keep() {
    if (--untilNext == 0) {
      untilNext = n;
      return true;
    }
    return false;
  }
}
