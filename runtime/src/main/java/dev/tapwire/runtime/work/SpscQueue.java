package dev.tapwire.runtime.work;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * Bounded single-producer single-consumer queue of references between two data-path stages. A full
 * queue refuses the offer (the producer counts a drop) instead of blocking or growing. No
 * allocation per element.
 */
public final class SpscQueue<E> {
  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(SpscQueue.class, "head", long.class);
      TAIL = lookup.findVarHandle(SpscQueue.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object[] slots;
  private final int mask;

  // Written by the consumer only.
  @SuppressWarnings("unused")
  private volatile long head;

  // Written by the producer only.
  @SuppressWarnings("unused")
  private volatile long tail;

  /**
   * @param capacity the bound; rounded up to a power of two
   */
  public SpscQueue(int capacity) {
    if (capacity < 1 || capacity > (1 << 30)) {
      throw new IllegalArgumentException("capacity must be 1..2^30, got " + capacity);
    }
    int size = Integer.highestOneBit(capacity - 1) << 1;
    if (capacity == 1) {
      size = 1;
    }
    slots = new Object[size];
    mask = size - 1;
  }

  public int capacity() {
    return slots.length;
  }

  /** Adds {@code element} unless the queue is full. Producer thread only. */
  public boolean offer(E element) {
    long currentTail = (long) TAIL.getOpaque(this);
    if (currentTail - (long) HEAD.getAcquire(this) >= slots.length) {
      return false;
    }
    SLOTS.setRelease(slots, (int) (currentTail & mask), element);
    TAIL.setRelease(this, currentTail + 1);
    return true;
  }

  /** Removes the oldest element, or returns null when empty. Consumer thread only. */
  @SuppressWarnings("unchecked")
  public E poll() {
    long currentHead = (long) HEAD.getOpaque(this);
    if (currentHead >= (long) TAIL.getAcquire(this)) {
      return null;
    }
    int index = (int) (currentHead & mask);
    E element = (E) SLOTS.getAcquire(slots, index);
    SLOTS.setRelease(slots, index, null);
    HEAD.setRelease(this, currentHead + 1);
    return element;
  }

  /** Hands up to {@code limit} elements to {@code consumer}; returns how many. Consumer only. */
  public int drain(Consumer<? super E> consumer, int limit) {
    int drained = 0;
    E element;
    while (drained < limit && (element = poll()) != null) {
      consumer.accept(element);
      drained++;
    }
    return drained;
  }

  /** Approximate number of queued elements (exact when both sides are quiet). */
  public int size() {
    long size = (long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this);
    return (int) Math.max(0, Math.min(size, slots.length));
  }
}
