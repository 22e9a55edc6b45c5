package dev.tapwire.runtime.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter written by one thread (its stage) and read by any (the metrics scrape, tests). The
 * writer does a plain load and an opaque store, no atomic read-modify-write and no fence: on x86
 * both are ordinary moves. Readers see a recent value, never a torn one.
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

  /** Owner thread only. */
  public void increment() {
    VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + 1);
  }

  /** Owner thread only. */
  public void add(long delta) {
    VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + delta);
  }

  /** Owner thread only: for gauges such as a queue depth. */
  public void set(long newValue) {
    VALUE.setOpaque(this, newValue);
  }

  /** Any thread. */
  public long get() {
    return (long) VALUE.getOpaque(this);
  }
}
