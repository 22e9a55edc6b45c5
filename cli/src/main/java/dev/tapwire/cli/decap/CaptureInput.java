package dev.tapwire.cli.decap;

import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.ScatteringByteChannel;

/**
 * Streams a pcap or pcapng file from a channel through {@link CaptureFileReader}, a chunk at a
 * time, so that inputs of any size are read in bounded memory.
 */
final class CaptureInput implements AutoCloseable {
  private static final int CHUNK_BYTES = 1 << 20;

  private final ScatteringByteChannel channel;
  private final CaptureFileReader reader = new CaptureFileReader();
  private final ByteBuf buffer = Unpooled.buffer(4 * CHUNK_BYTES);
  private boolean endOfChannel;

  CaptureInput(ScatteringByteChannel channel) {
    this.channel = channel;
  }

  /**
   * Reads the next record into {@code record}; returns {@link CaptureReadResult#RECORD}, a
   * statistics block, {@link CaptureReadResult#END_OF_INPUT}, or an error. The record's data is
   * valid until the next call.
   */
  CaptureReadResult next(CaptureRecord record) throws IOException {
    while (true) {
      CaptureReadResult result = endOfChannel ? reader.finish(buffer) : reader.next(buffer, record);
      if (result != CaptureReadResult.NEED_MORE_DATA) {
        return result;
      }
      fill();
    }
  }

  CaptureFileReader reader() {
    return reader;
  }

  private void fill() throws IOException {
    if (buffer.readerIndex() > 0) {
      buffer.discardReadBytes();
    }
    buffer.ensureWritable(CHUNK_BYTES);
    int read = buffer.writeBytes(channel, CHUNK_BYTES);
    if (read < 0) {
      endOfChannel = true;
    }
  }

  @Override
  public void close() throws IOException {
    buffer.release();
    channel.close();
  }
}
