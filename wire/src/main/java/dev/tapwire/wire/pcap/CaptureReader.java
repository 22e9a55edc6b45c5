package dev.tapwire.wire.pcap;

import io.netty.buffer.ByteBuf;

/**
 * An incremental reader of a capture file. The caller appends file bytes to one buffer and calls
 * {@link #next} until it returns {@link CaptureReadResult#NEED_MORE_DATA}; when no more bytes will
 * come it calls {@link #finish} to learn whether the file ended cleanly.
 *
 * <p>A reader consumes (advances the reader index of {@code in} past) exactly the bytes of the
 * records or blocks it has dealt with, and never throws on malformed input. After a result whose
 * {@link CaptureReadResult#isFatal()} is true, it returns that result again on every call.
 */
public interface CaptureReader {
  /**
   * Reads the next record from the readable bytes of {@code in}.
   *
   * @return {@link CaptureReadResult#RECORD} with {@code out} filled, a non-record result, or an
   *     error reason
   */
  CaptureReadResult next(ByteBuf in, CaptureRecord out);

  /**
   * Tells the reader that no bytes will follow the readable bytes of {@code in}; call it after
   * {@link #next} returned {@link CaptureReadResult#NEED_MORE_DATA}.
   *
   * @return {@link CaptureReadResult#END_OF_INPUT} if the file ended at a record boundary, else the
   *     truncation reason (or the sticky fatal error)
   */
  CaptureReadResult finish(ByteBuf in);
}
