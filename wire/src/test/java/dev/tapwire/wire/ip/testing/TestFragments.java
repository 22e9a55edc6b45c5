package dev.tapwire.wire.ip.testing;

import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4Header;
import dev.tapwire.wire.ip.Ipv4HeaderEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds IPv4 fragments of a synthetic datagram for reassembly tests. */
public final class TestFragments {
  /** 198.18.0.1 and 198.18.0.2 (the test range). */
  public static final int SOURCE = 0xC6120001;

  public static final int DESTINATION = 0xC6120002;

  private TestFragments() {}

  /** The payload byte at datagram position {@code position} for datagram {@code seed}. */
  public static byte payloadByte(int seed, int position) {
    return (byte) (position * 31 + seed * 7 + (position >>> 8));
  }

  /** The full payload of a synthetic datagram. */
  public static byte[] payload(int seed, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = payloadByte(seed, i);
    }
    return bytes;
  }

  /**
   * A fragment carrying payload bytes {@code [start, start + length)} of datagram {@code id},
   * payload pattern from {@link #payloadByte} with {@code seed = id}.
   */
  public static ByteBuf fragment(int id, int start, int length, boolean more) {
    return fragment(SOURCE, id, start, length, more, id);
  }

  /** As {@link #fragment(int, int, int, boolean)} with an explicit source and payload seed. */
  public static ByteBuf fragment(
      int source, int id, int start, int length, boolean more, int seed) {
    ByteBuf buf = Unpooled.buffer(Ipv4Header.MIN_LENGTH + length);
    int flags = (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | (start / 8);
    Ipv4HeaderEncoder.encode(
        buf,
        0,
        0,
        Ipv4Header.MIN_LENGTH + length,
        id,
        flags,
        64,
        IpProtocol.GRE,
        source,
        DESTINATION);
    for (int i = 0; i < length; i++) {
      buf.setByte(Ipv4Header.MIN_LENGTH + i, payloadByte(seed, start + i));
    }
    buf.writerIndex(Ipv4Header.MIN_LENGTH + length);
    return buf;
  }
}
