package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import io.netty.buffer.ByteBuf;

/**
 * Encodes the blocks of one capture file at a time into a staging buffer, and keeps what the file
 * says about its streams. Blocks are staged, then written: {@link #commit} after a successful
 * write, {@link #rollback} after a failed one (the staged blocks never reached the file).
 */
interface CaptureEncoder {
  /** Forgets the previous file and stages the header of a new one. */
  void beginFile(ByteBuf out);

  /** The drop reason if this format cannot hold {@code frame}, else null. */
  String unsupportedReason(Frame frame);

  /** An upper bound of what {@link #encode} stages for {@code frame}. */
  int encodedBytesBound(Frame frame);

  /** Stages {@code frame}; the caller made room for {@link #encodedBytesBound}. */
  void encode(ByteBuf out, Frame frame);

  /** Notes a frame of this file's time span that the sink dropped without staging it. */
  void countDropped(Frame frame);

  /**
   * Stages closing blocks (statistics), starting with the {@code from}-th, as many as fit in {@code
   * out}; returns the index to continue from, or -1 when all are staged.
   */
  int encodeClosing(ByteBuf out, int from, long nowEpochNs);

  /** The staged blocks were written. */
  void commit();

  /** The staged blocks were lost: forget what they declared and count their frames as dropped. */
  void rollback();
}
