package dev.tapwire.agent.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter written by one thread and read by any (the metrics scrape). The writer's store is
 * opaque: no fence on the hot path, yet never torn and eventually visible to readers.
 */
public final class SingleWriterCounter {
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(SingleWriterCounter.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through VALUE
  private long value;

  /** Adds one. Owner thread only. */
  public void increment() {
    VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + 1);
  }

  /** Adds {@code delta}. Owner thread only. */
  public void add(long delta) {
    VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + delta);
  }

  /** Sets an absolute value taken from elsewhere (e.g. libpcap totals). Owner thread only. */
  public void set(long newValue) {
    VALUE.setOpaque(this, newValue);
  }

  /** The current value, from any thread. */
  public long get() {
    return (long) VALUE.getOpaque(this);
  }
}
