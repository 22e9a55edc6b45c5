package dev.tapwire.agent.transport;

/**
 * Where tunnel packets go: a batch of slots filled in place ({@link #nextSlot}, {@link #commit})
 * and sent together ({@link #flush}). Failures are reported in the outcome, never thrown. Owned by
 * the send thread.
 */
public interface Transport extends AutoCloseable {
  /** Largest packet a slot holds. */
  int maxPacketBytes();

  /** Outer IP header the kernel adds to each packet: 20 or 40 bytes. */
  int outerIpHeaderBytes();

  /** Whether the batch is full (flush before the next slot). */
  boolean isFull();

  /** Packets committed and not yet flushed. */
  int pendingPackets();

  /** The slot for the next packet; fill it from index 0, then {@link #commit}. */
  PacketSlot nextSlot();

  /** Adds the packet of {@code length} bytes written into {@link #nextSlot}. */
  void commit(int length);

  /** Sends every pending packet and records the result in {@code outcome}. */
  void flush(SendOutcome outcome);

  /** For logs and the dry run, e.g. {@code raw IPv4 proto 47 to 198.18.0.2}. */
  String description();

  @Override
  void close();
}
