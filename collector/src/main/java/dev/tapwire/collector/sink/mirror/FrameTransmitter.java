package dev.tapwire.collector.sink.mirror;

import java.lang.foreign.MemorySegment;

/**
 * Puts whole Ethernet frames on the mirror NIC, byte for byte, in batches: {@link #add} copies a
 * frame into the next slot, {@link #send} transmits what was added and reports per batch how many
 * frames the kernel took and why the others were refused. Owned by the mirror's worker thread.
 */
public interface FrameTransmitter extends AutoCloseable {
  /** {@code af_packet} or {@code pcap_inject}, for logs and metrics. */
  String method();

  /** Frames per batch. */
  int batchCapacity();

  /** Longest frame a slot holds. */
  int maxFrameBytes();

  /** Frames added since the last send. */
  int pending();

  /** Copies {@code length} bytes of {@code memory} from {@code offset} into the next slot. */
  void add(MemorySegment memory, long offset, int length);

  /**
   * Transmits the pending frames, in order, and empties the batch.
   *
   * @return frames the kernel accepted; the rest are {@link #lastFailed()}
   */
  int send();

  /** Frames of the last {@link #send} the kernel refused. */
  int lastFailed();

  /** The position (order of {@link #add}) of the {@code k}-th refused frame of the last send. */
  int failedIndex(int k);

  /** The drop reason of the {@code k}-th refused frame ({@code nic_queue_full}, ...). */
  String failedReason(int k);

  @Override
  void close();
}
