package dev.tapwire.collector.receive;

import dev.tapwire.runtime.metrics.SingleWriterCounter;
import dev.tapwire.runtime.work.SpscQueue;

/** What one receiver counts; written by its thread only, read by anyone. */
public final class ReceiveCounters {
  private final String name;

  /** Packets read from the socket. */
  public final SingleWriterCounter packets = new SingleWriterCounter();

  /** Bytes of those packets (as received, outer headers included). */
  public final SingleWriterCounter bytes = new SingleWriterCounter();

  /** Packets dropped because no pooled frame was free. */
  public final SingleWriterCounter droppedBufferExhausted = new SingleWriterCounter();

  /** Packets dropped because the queue to the decode stage was full. */
  public final SingleWriterCounter droppedQueueFull = new SingleWriterCounter();

  /** Packets longer than the receive slot, cut by the kernel and dropped. */
  public final SingleWriterCounter droppedTruncated = new SingleWriterCounter();

  /**
   * Packets the kernel accepted for this receiver but dropped before it read them (its receive ring
   * was full). Not part of {@link #packets}: they were never received, and show up as network loss
   * (sequence gaps) as well.
   */
  public final SingleWriterCounter kernelDrops = new SingleWriterCounter();

  /** Socket read errors (not about one packet; the receiver keeps reading). */
  public final SingleWriterCounter readErrors = new SingleWriterCounter();

  private final SpscQueue<?> queue;

  /**
   * @param name the {@code receiver} label
   * @param queue the receiver's queue to the decode stage
   */
  public ReceiveCounters(String name, SpscQueue<?> queue) {
    this.name = name;
    this.queue = queue;
  }

  /** Frames waiting in the queue to the decode stage (any thread). */
  public int queuedFrames() {
    return queue.size();
  }

  /** The {@code receiver} label, e.g. {@code gre_ipv4}, {@code vxlan}. */
  public String name() {
    return name;
  }

  /** Every drop of this receiver. */
  public long dropped() {
    return droppedBufferExhausted.get() + droppedQueueFull.get() + droppedTruncated.get();
  }
}
