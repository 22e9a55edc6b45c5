package dev.tapwire.collector.receive.grpc;

import dev.tapwire.collector.frame.Frame;

/**
 * Checks the frames of a {@code tapwire.v1.FrameBatch} and fills pooled {@link Frame}s from them.
 * Pure: no queue, no counter, no clock.
 */
public final class BatchConverter {
  /** Largest frame accepted: 64 KiB, a large pool slot. */
  public static final int MAX_FRAME_BYTES = 65_536;

  private static final int FLAG_INBOUND = 1;
  private static final int FLAG_OUTBOUND = 2;
  private static final int FLAG_TRUNCATED = 4;

  private BatchConverter() {}

  /** Why {@code frame} is refused, or null when it is acceptable. */
  public static GrpcInvalidReason check(dev.tapwire.proto.v1.Frame frame) {
    int length = frame.getData().size();
    if (length == 0) {
      return GrpcInvalidReason.FRAME_EMPTY;
    }
    if (length > MAX_FRAME_BYTES) {
      return GrpcInvalidReason.FRAME_TOO_LONG;
    }
    if (Integer.toUnsignedLong(frame.getOriginalLengthBytes()) < length) {
      return GrpcInvalidReason.ORIGINAL_LENGTH_SHORT;
    }
    return null;
  }

  /**
   * Fills {@code target} (a pooled frame with room for the data) from a frame {@link #check} has
   * accepted.
   *
   * @param sequence the frame's sequence number: the batch's first plus its index
   * @param peer the sender's and the collector's address (may be unknown: length 0)
   */
  public static void fill(
      Frame target,
      dev.tapwire.proto.v1.Frame frame,
      int sessionId,
      long sequence,
      long receiveTimeNs,
      int receiverIndex,
      PeerAddresses.Pair peer) {
    int length = frame.getData().size();
    frame.getData().copyTo(target.buffer().nioBuffer(0, length));
    target.packetLength = length;
    target.originalLength =
        (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(frame.getOriginalLengthBytes()));
    target.captureTimeNs = frame.getCaptureTimeUnixNanos();
    target.receiveTimeNs = receiveTimeNs;
    target.origin = Frame.ORIGIN_GRPC;
    target.receiverIndex = receiverIndex;
    target.sessionId = sessionId;
    target.sequence = sequence;
    int flags = frame.getFlags();
    target.direction =
        (flags & FLAG_INBOUND) != 0
            ? Frame.DIRECTION_INBOUND
            : (flags & FLAG_OUTBOUND) != 0 ? Frame.DIRECTION_OUTBOUND : Frame.DIRECTION_UNKNOWN;
    target.truncated = (flags & FLAG_TRUNCATED) != 0 || length < target.originalLength;
    int addressLength = peer.length();
    if (addressLength > 0) {
      System.arraycopy(peer.source(), 0, target.sourceAddress, 0, addressLength);
      System.arraycopy(peer.destination(), 0, target.destinationAddress, 0, addressLength);
    }
    target.addressLength = addressLength;
  }
}
