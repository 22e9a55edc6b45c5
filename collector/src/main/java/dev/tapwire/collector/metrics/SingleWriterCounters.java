package dev.tapwire.collector.metrics;

import dev.tapwire.runtime.metrics.SingleWriterCounter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of counters indexed by a reason ordinal, written by one thread and read by any; see
 * {@link SingleWriterCounter}.
 */
public final class SingleWriterCounters {
  private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] values;

  public SingleWriterCounters(int size) {
    this.values = new long[size];
  }

  public int size() {
    return values.length;
  }

  /** Owner thread only. */
  public void increment(int index) {
    ELEMENTS.setOpaque(values, index, (long) ELEMENTS.getOpaque(values, index) + 1);
  }

  /** Owner thread only. */
  public void add(int index, long delta) {
    ELEMENTS.setOpaque(values, index, (long) ELEMENTS.getOpaque(values, index) + delta);
  }

  /** Owner thread only: mirrors a value kept elsewhere on the owner thread. */
  public void set(int index, long value) {
    ELEMENTS.setOpaque(values, index, value);
  }

  /** Any thread. */
  public long get(int index) {
    return (long) ELEMENTS.getOpaque(values, index);
  }

  /** Any thread: the sum of all counters. */
  public long sum() {
    long total = 0;
    for (int i = 0; i < values.length; i++) {
      total += get(i);
    }
    return total;
  }
}
