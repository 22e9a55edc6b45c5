package dev.tapwire.agent.transport;

import static dev.tapwire.agent.transport.ProtobufWriter.tag;
import static dev.tapwire.agent.transport.ProtobufWriter.varintSize;
import static dev.tapwire.agent.transport.ProtobufWriter.writeFixed64;
import static dev.tapwire.agent.transport.ProtobufWriter.writeVarint;

/**
 * One {@code tapwire.v1.StreamFramesRequest} being built in a reusable array: frames are encoded as
 * they are committed (field 5 of {@code FrameBatch}), and {@link #seal} writes the request and
 * batch headers right in front of them, so that no byte is moved. Fields are written in number
 * order and zero values omitted, as protobuf's own serializer does. Owned by the send thread until
 * handed to gRPC, which gives it back by closing the stream it reads it from.
 */
final class FrameBatchBuffer {
  /** A batch seals at this many frames... */
  static final int MAX_FRAMES = 256;

  /** ...or at this many encoded bytes, whichever comes first. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  // Worst case of the headers: request tag + length, agent id, session, two sequence numbers.
  private static final int FIXED_HEADER_BYTES = 1 + 5 + 1 + 5 + 1 + 5 + 1 + 10 + 1 + 10;

  private static final int REQUEST_BATCH = tag(1, 2);
  private static final int BATCH_AGENT_ID = tag(1, 2);
  private static final int BATCH_SESSION_ID = tag(2, 0);
  private static final int BATCH_SEQUENCE = tag(3, 0);
  private static final int BATCH_FIRST_FRAME_SEQUENCE = tag(4, 0);
  private static final int BATCH_FRAMES = tag(5, 2);
  private static final int FRAME_CAPTURE_TIME = tag(1, 1);
  private static final int FRAME_ORIGINAL_LENGTH = tag(2, 0);
  private static final int FRAME_FLAGS = tag(3, 0);
  private static final int FRAME_DATA = tag(4, 2);

  private final byte[] array;
  private final byte[] agentId;
  private final int bodyStart;
  private int bodyEnd;
  private int start;
  private int frames;
  private long dataBytes;
  private int sessionId;
  private long batchSequence;
  private long firstFrameSequence;

  /**
   * @param agentId UTF-8 bytes of the agent id
   * @param maxFrameBytes the largest frame prefix ever appended
   */
  FrameBatchBuffer(byte[] agentId, int maxFrameBytes) {
    this.agentId = agentId.clone();
    this.bodyStart = FIXED_HEADER_BYTES + agentId.length;
    // Room for a full body plus one largest frame with its field overhead.
    this.array = new byte[bodyStart + MAX_BODY_BYTES + maxFrameBytes + 32];
  }

  /** Starts an empty batch. */
  void open(int session, long batchSequenceNumber, long firstFrameSequenceNumber) {
    this.sessionId = session;
    this.batchSequence = batchSequenceNumber;
    this.firstFrameSequence = firstFrameSequenceNumber;
    this.bodyEnd = bodyStart;
    this.start = bodyStart;
    this.frames = 0;
    this.dataBytes = 0;
  }

  /** Encodes one frame ({@code length} bytes of {@code data} at {@code offset}). */
  void append(
      long captureTimeNs, int originalLength, int flags, byte[] data, int offset, int length) {
    int frameSize =
        (captureTimeNs != 0 ? 1 + 8 : 0)
            + 1
            + varintSize(originalLength)
            + (flags != 0 ? 1 + varintSize(flags) : 0)
            + 1
            + varintSize(length)
            + length;
    int p = bodyEnd;
    p = writeVarint(array, p, BATCH_FRAMES);
    p = writeVarint(array, p, frameSize);
    if (captureTimeNs != 0) {
      array[p++] = (byte) FRAME_CAPTURE_TIME;
      p = writeFixed64(array, p, captureTimeNs);
    }
    array[p++] = (byte) FRAME_ORIGINAL_LENGTH;
    p = writeVarint(array, p, originalLength & 0xFFFF_FFFFL);
    if (flags != 0) {
      array[p++] = (byte) FRAME_FLAGS;
      p = writeVarint(array, p, flags & 0xFFFF_FFFFL);
    }
    array[p++] = (byte) FRAME_DATA;
    p = writeVarint(array, p, length);
    System.arraycopy(data, offset, array, p, length);
    bodyEnd = p + length;
    frames++;
    dataBytes += length;
  }

  /** Whether the batch must be sent before another frame is added. */
  boolean isFull() {
    return frames >= MAX_FRAMES || bodyEnd - bodyStart >= MAX_BODY_BYTES;
  }

  /**
   * Writes the headers in front of the frames; the message is then {@link #start}..{@link #end}.
   */
  void seal() {
    int batchFields =
        (agentId.length > 0 ? 1 + varintSize(agentId.length) + agentId.length : 0)
            + (sessionId != 0 ? 1 + varintSize(sessionId) : 0)
            + (batchSequence != 0 ? 1 + varintSize(batchSequence) : 0)
            + (firstFrameSequence != 0 ? 1 + varintSize(firstFrameSequence) : 0);
    int batchSize = batchFields + (bodyEnd - bodyStart);
    start = bodyStart - (1 + varintSize(batchSize) + batchFields);
    int p = start;
    array[p++] = (byte) REQUEST_BATCH;
    p = writeVarint(array, p, batchSize);
    if (agentId.length > 0) {
      array[p++] = (byte) BATCH_AGENT_ID;
      p = writeVarint(array, p, agentId.length);
      System.arraycopy(agentId, 0, array, p, agentId.length);
      p += agentId.length;
    }
    if (sessionId != 0) {
      array[p++] = (byte) BATCH_SESSION_ID;
      p = writeVarint(array, p, sessionId);
    }
    if (batchSequence != 0) {
      array[p++] = (byte) BATCH_SEQUENCE;
      p = writeVarint(array, p, batchSequence);
    }
    if (firstFrameSequence != 0) {
      array[p++] = (byte) BATCH_FIRST_FRAME_SEQUENCE;
      p = writeVarint(array, p, firstFrameSequence);
    }
    if (p != bodyStart) {
      throw new IllegalStateException("batch header size mismatch");
    }
  }

  byte[] array() {
    return array;
  }

  int start() {
    return start;
  }

  int end() {
    return bodyEnd;
  }

  int frames() {
    return frames;
  }

  long dataBytes() {
    return dataBytes;
  }

  int sessionId() {
    return sessionId;
  }
}
