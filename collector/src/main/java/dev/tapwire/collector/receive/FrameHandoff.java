package dev.tapwire.collector.receive;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.runtime.work.SpscQueue;

/**
 * The receiver side of a receiver-to-decode queue: takes a pooled frame for a packet and hands the
 * filled frame over, counting the two ways this fails (no free frame, full queue). Owned by the
 * receiver's thread.
 */
public final class FrameHandoff {
  private final FramePools pools;
  private final SpscQueue<Frame> queue;
  private final ReceiveCounters counters;

  public FrameHandoff(FramePools pools, SpscQueue<Frame> queue, ReceiveCounters counters) {
    this.pools = pools;
    this.queue = queue;
    this.counters = counters;
  }

  /** Counts a received packet and returns a frame for it, or null (counted) if none is free. */
  public Frame take(int packetBytes) {
    counters.packets.increment();
    counters.bytes.add(packetBytes);
    Frame frame = pools.take(packetBytes);
    if (frame == null) {
      counters.droppedBufferExhausted.increment();
    }
    return frame;
  }

  /** Hands a filled frame to the decode stage, or releases it (counted) if the queue is full. */
  public void handOff(Frame frame) {
    if (!queue.offer(frame)) {
      counters.droppedQueueFull.increment();
      frame.release();
    }
  }

  public ReceiveCounters counters() {
    return counters;
  }
}
