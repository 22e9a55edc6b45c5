package dev.tapwire.agent.encap;

import io.netty.buffer.ByteBuf;

/**
 * The gRPC transport's slot layout: not a wire format, only how a frame's facts reach the transport
 * through the send slot. The transport reads this header and writes the frame into a protobuf
 * {@code FrameBatch}; nothing of it goes on the wire as is.
 *
 * <pre>
 * 0       8                12         14       16
 * | capture time ns (BE) | original length | session id | flags (tapwire.v1.FrameFlag) | frame...
 * </pre>
 */
public final class GrpcFrameFormat implements TunnelFormat {
  public static final int CAPTURE_TIME_OFFSET = 0;
  public static final int ORIGINAL_LENGTH_OFFSET = 8;
  public static final int SESSION_ID_OFFSET = 12;
  public static final int FLAGS_OFFSET = 14;
  public static final int HEADER_BYTES = 16;

  /** Largest frame prefix sent: the collector refuses frames over 64 KiB. */
  public static final int MAX_FRAME_BYTES = 65_535;

  /** {@code tapwire.v1.FrameFlag} bits. */
  public static final int FLAG_INBOUND = 1;

  public static final int FLAG_OUTBOUND = 2;
  public static final int FLAG_TRUNCATED = 4;

  /** TCP: the frames travel in a gRPC stream. */
  @Override
  public int ipProtocol() {
    return 6;
  }

  @Override
  public int headerBytes() {
    return HEADER_BYTES;
  }

  @Override
  public void writeHeader(ByteBuf out, FrameFields frame) {
    // No path MTU applies, so FLAG_TRUNCATED (a cut to fit it) is never set: a shorter frame
    // shows as data shorter than its original length.
    int flags = frame.direction == 1 ? FLAG_OUTBOUND : FLAG_INBOUND;
    out.writeLong(frame.captureTimeNs);
    out.writeInt(frame.originalLength);
    out.writeShort(frame.sessionId);
    out.writeShort(flags);
  }
}
