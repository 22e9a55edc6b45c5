package dev.tapwire.wire.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Hex helpers for golden-bytes tests. */
public final class Bytes {
  private Bytes() {}

  /** Lowercase hex of {@code length} bytes at absolute index {@code offset}. */
  public static String hex(ByteBuf buf, int offset, int length) {
    return ByteBufUtil.hexDump(buf, offset, length);
  }

  /** Lowercase hex of the readable bytes. */
  public static String hex(ByteBuf buf) {
    return ByteBufUtil.hexDump(buf);
  }

  /** A buffer holding the bytes of {@code hex}; spaces are ignored. */
  public static ByteBuf fromHex(String hex) {
    return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
  }
}
