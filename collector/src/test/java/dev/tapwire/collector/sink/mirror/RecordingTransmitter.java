package dev.tapwire.collector.sink.mirror;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A transmitter that keeps what it is given instead of sending it, and refuses the frames a rule
 * names: the worker's bookkeeping without a NIC (the integration tests use real sockets).
 */
final class RecordingTransmitter implements FrameTransmitter {
  final List<byte[]> sent = new ArrayList<>();
  final List<Integer> batchSizes = new ArrayList<>();
  private final int capacity;
  private final int maxFrameBytes;
  private final IntFunction<String> refuse;
  private final List<byte[]> pending = new ArrayList<>();
  private final List<Integer> failedIndexes = new ArrayList<>();
  private final List<String> failedReasons = new ArrayList<>();
  private int sequence;
  boolean closed;

  /**
   * @param refuse for the n-th frame ever added, the reason to refuse it, or null to send it
   */
  RecordingTransmitter(int capacity, int maxFrameBytes, IntFunction<String> refuse) {
    this.capacity = capacity;
    this.maxFrameBytes = maxFrameBytes;
    this.refuse = refuse;
  }

  @Override
  public String method() {
    return "recording";
  }

  @Override
  public int batchCapacity() {
    return capacity;
  }

  @Override
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  public int pending() {
    return pending.size();
  }

  @Override
  public void add(MemorySegment memory, long offset, int length) {
    if (pending.size() == capacity) {
      throw new IllegalStateException("batch overfilled");
    }
    byte[] copy = new byte[length];
    MemorySegment.copy(memory, JAVA_BYTE, offset, copy, 0, length);
    pending.add(copy);
  }

  @Override
  public int send() {
    failedIndexes.clear();
    failedReasons.clear();
    batchSizes.add(pending.size());
    int accepted = 0;
    for (int i = 0; i < pending.size(); i++) {
      String reason = refuse.apply(sequence++);
      if (reason == null) {
        sent.add(pending.get(i));
        accepted++;
      } else {
        failedIndexes.add(i);
        failedReasons.add(reason);
      }
    }
    pending.clear();
    return accepted;
  }

  @Override
  public int lastFailed() {
    return failedIndexes.size();
  }

  @Override
  public int failedIndex(int k) {
    return failedIndexes.get(k);
  }

  @Override
  public String failedReason(int k) {
    return failedReasons.get(k);
  }

  @Override
  public void close() {
    closed = true;
  }
}
