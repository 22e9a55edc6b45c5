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

  /**
   * Whether sent frames may still be unacknowledged by the receiver (then the send thread keeps
   * calling {@link #flush} while idle, so that acknowledgements are counted).
   */
  default boolean hasUnsettled() {
    return false;
  }

  /** Frames taken by the transport whose fate (sent or dropped) is not counted yet; any thread. */
  default long unsettledFrames() {
    return 0;
  }

  /** Whether the transport can send now (gRPC: the stream is open); any thread. */
  default boolean ready() {
    return true;
  }

  /**
   * At shutdown, after the last {@link #flush}: sends what is left, waits (bounded) for the
   * receiver to acknowledge it and records the final result in {@code outcome}.
   */
  default void finish(SendOutcome outcome) {
    outcome.set(0, 0, 0, 0);
  }

  /** For logs and the dry run, e.g. {@code raw IPv4 proto 47 to 198.18.0.2}. */
  String description();

  @Override
  void close();
}
