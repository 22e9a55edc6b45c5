package dev.tapwire.runtime.work;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded multi-producer multi-consumer queue of references, lock-free (D. Vyukov's bounded MPMC
 * queue): each slot carries a sequence number that tells producers and consumers whose turn it is,
 * and a position is claimed with one compare-and-set. A full queue refuses the offer and an empty
 * one returns null; nothing is allocated per element. The one wait: a slot claimed by a thread that
 * has not finished its two stores (it was descheduled between them) is waited for rather than
 * reported as full or empty, which the queue is not.
 *
 * <p>For free lists that threads take from and return to concurrently, such as a frame pool.
 */
public final class MpmcQueue<E> {
  private static final VarHandle ENQUEUE;
  private static final VarHandle DEQUEUE;
  private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ENQUEUE = lookup.findVarHandle(MpmcQueue.class, "enqueuePosition", long.class);
      DEQUEUE = lookup.findVarHandle(MpmcQueue.class, "dequeuePosition", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int SPINS_BEFORE_YIELD = 64;

  private final Object[] elements;
  private final long[] sequences;
  private final int mask;

  @SuppressWarnings("unused") // through ENQUEUE
  private volatile long enqueuePosition;

  @SuppressWarnings("unused") // through DEQUEUE
  private volatile long dequeuePosition;

  /**
   * @param capacity the bound; rounded up to a power of two (at least 2)
   */
  public MpmcQueue(int capacity) {
    if (capacity < 1 || capacity > (1 << 30)) {
      throw new IllegalArgumentException("capacity must be 1..2^30, got " + capacity);
    }
    int size = Math.max(2, Integer.highestOneBit(capacity - 1) << 1);
    elements = new Object[size];
    sequences = new long[size];
    for (int i = 0; i < size; i++) {
      sequences[i] = i;
    }
    mask = size - 1;
    VarHandle.releaseFence(); // publish the sequences with the queue
  }

  public int capacity() {
    return elements.length;
  }

  /** Adds {@code element} unless the queue is full. Any thread. */
  public boolean offer(E element) {
    if (element == null) {
      throw new NullPointerException("element");
    }
    int spins = 0;
    while (true) {
      long position = (long) ENQUEUE.getVolatile(this);
      int index = (int) (position & mask);
      long sequence = (long) SEQUENCES.getAcquire(sequences, index);
      long difference = sequence - position;
      if (difference == 0) {
        if (ENQUEUE.compareAndSet(this, position, position + 1)) {
          ELEMENTS.set(elements, index, element);
          SEQUENCES.setRelease(sequences, index, position + 1);
          return true;
        }
      } else if (difference < 0) {
        if (position - elements.length >= (long) DEQUEUE.getVolatile(this)) {
          return false; // full
        }
        // Not full: a consumer claimed this slot a lap ago and has not released it yet.
        spins = backOff(spins);
      }
      // Otherwise another producer took this position first: try the next one.
    }
  }

  /** Removes the oldest element, or returns null when empty. Any thread. */
  @SuppressWarnings("unchecked")
  public E poll() {
    int spins = 0;
    while (true) {
      long position = (long) DEQUEUE.getVolatile(this);
      int index = (int) (position & mask);
      long sequence = (long) SEQUENCES.getAcquire(sequences, index);
      long difference = sequence - (position + 1);
      if (difference == 0) {
        if (DEQUEUE.compareAndSet(this, position, position + 1)) {
          E element = (E) ELEMENTS.get(elements, index);
          ELEMENTS.set(elements, index, null);
          SEQUENCES.setRelease(sequences, index, position + mask + 1);
          return element;
        }
      } else if (difference < 0) {
        if (position >= (long) ENQUEUE.getVolatile(this)) {
          return null; // empty
        }
        // Not empty: a producer claimed this slot and has not published its element yet.
        spins = backOff(spins);
      }
      // Otherwise another consumer took this position first: try the next one.
    }
  }

  /**
   * Waits for another thread to finish the two stores of its claimed slot: it may have been
   * descheduled between them, so after a short spin give it the core.
   */
  private static int backOff(int spins) {
    if (spins < SPINS_BEFORE_YIELD) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
    return spins + 1;
  }

  /** Approximate number of queued elements (exact when no thread is inside a call). */
  public int size() {
    long size = (long) ENQUEUE.getVolatile(this) - (long) DEQUEUE.getVolatile(this);
    return (int) Math.max(0, Math.min(size, elements.length));
  }
}
