package dev.tapwire.cli.decap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.GatheringByteChannel;

/** Stages encoded blocks in one buffer and writes them to a file or stdout in large writes. */
final class OutputChannel implements AutoCloseable {
  private static final int FLUSH_BYTES = 1 << 20;

  private final GatheringByteChannel channel;
  private final ByteBuf buffer = Unpooled.directBuffer(2 * FLUSH_BYTES);

  OutputChannel(GatheringByteChannel channel) {
    this.channel = channel;
  }

  /** The buffer to append complete blocks to. */
  ByteBuf buffer() {
    return buffer;
  }

  /** Writes out the staged bytes once there are enough of them. */
  void maybeFlush() throws IOException {
    if (buffer.readableBytes() >= FLUSH_BYTES) {
      flush();
    }
  }

  void flush() throws IOException {
    while (buffer.isReadable()) {
      buffer.readBytes(channel, buffer.readableBytes());
    }
    buffer.clear();
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      buffer.release();
      channel.close();
    }
  }
}
