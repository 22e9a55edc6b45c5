package dev.tapwire.collector.sink;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.collector.stream.StreamDescriptor;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Frames for sink tests: taken from a real {@link FramePools} (so a test can check every frame was
 * released exactly once), with the inner frame placed behind some fake outer bytes as a decoder
 * would leave it.
 */
public final class SinkTestFrames {
  /** Where the inner frame starts in the slot: room for outer IP + GRE + ERSPAN headers. */
  public static final int INNER_OFFSET = 50;

  private final FramePools pools;
  private final int slots;

  public SinkTestFrames(int smallSlots, int largeSlots) {
    this.pools = new FramePools(smallSlots, largeSlots);
    this.slots = smallSlots + largeSlots;
  }

  /** A stream with the naming the decode stage uses. */
  public static StreamDescriptor stream(long id, String source, int session) {
    return new StreamDescriptor(
        id,
        source + "/erspan_ii-" + session,
        source + " -> 198.18.0.2, erspan_ii over ip, session " + session,
        1,
        source,
        new StreamCounters());
  }

  /** A frame of {@code stream} holding a copy of {@code bytes}, captured at {@code timeNs}. */
  public Frame frame(StreamDescriptor stream, byte[] bytes, long captureTimeNs) {
    Frame frame = pools.take(INNER_OFFSET + bytes.length);
    if (frame == null) {
      throw new IllegalStateException("frame pool exhausted: a test leaked frames");
    }
    frame.buffer().setZero(0, INNER_OFFSET);
    frame.buffer().setBytes(INNER_OFFSET, bytes);
    frame.packetLength = INNER_OFFSET + bytes.length;
    frame.innerOffset = INNER_OFFSET;
    frame.innerLength = bytes.length;
    frame.captureTimeNs = captureTimeNs;
    frame.receiveTimeNs = captureTimeNs;
    frame.stream = stream;
    frame.innerLinkType = stream.linkType();
    return frame;
  }

  /** Frames currently out of the pools (taken and not released). */
  public int framesInFlight() {
    return slots - pools.small().freeSlots() - pools.large().freeSlots();
  }

  /**
   * An Ethernet II frame of {@code length} bytes (at least 22): broadcast-free unicast MACs, the
   * local experimental EtherType 0x88B5, and {@code sequence} in the first payload bytes, the rest
   * a pattern derived from it.
   */
  public static byte[] ethernet(int length, int sequence) {
    if (length < 22) {
      throw new IllegalArgumentException("too short: " + length);
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    b.put(new byte[] {0x02, 0x00, 0x00, 0x00, 0x00, 0x02}); // locally administered
    b.put(new byte[] {0x02, 0x00, 0x00, 0x00, 0x00, 0x01});
    b.putShort((short) 0x88B5);
    b.putInt(sequence);
    for (int i = b.position(); i < length; i++) {
      b.put((byte) (sequence * 31 + i));
    }
    return b.array();
  }

  /** The sequence number {@link #ethernet} put in {@code frame}. */
  public static int sequenceOf(byte[] frame) {
    return ByteBuffer.wrap(frame).getInt(14);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
