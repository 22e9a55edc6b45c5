package dev.tapwire.wire.gre;

import io.netty.buffer.ByteBuf;

/**
 * Writes GRE version 0 headers (RFC 2784 §2.1, RFC 2890 §2) at the writer index of a
 * caller-supplied buffer. Allocation-free; capacity is ensured before the first byte is written, so
 * a failure leaves the buffer unchanged.
 *
 * @see GreHeader
 */
public final class GreEncoder {
  private static final int ALLOWED_FLAGS =
      GreHeader.FLAG_CHECKSUM | GreHeader.FLAG_KEY | GreHeader.FLAG_SEQUENCE;

  private GreEncoder() {}

  /** Writes a 4-byte header without optional fields. Returns the number of bytes written. */
  public static int write(ByteBuf out, int protocolType) {
    return write(out, 0, protocolType, 0, 0);
  }

  /** Writes an 8-byte header with the sequence number (low 32 bits of {@code sequence}). */
  public static int writeWithSequence(ByteBuf out, int protocolType, long sequence) {
    return write(out, GreHeader.FLAG_SEQUENCE, protocolType, 0, sequence);
  }

  /** Writes an 8-byte header with the key (low 32 bits of {@code key}). */
  public static int writeWithKey(ByteBuf out, int protocolType, long key) {
    return write(out, GreHeader.FLAG_KEY, protocolType, key, 0);
  }

  /**
   * Writes a header with the optional fields selected by {@code flags}, a combination of {@link
   * GreHeader#FLAG_CHECKSUM}, {@link GreHeader#FLAG_KEY} and {@link GreHeader#FLAG_SEQUENCE}. With
   * C set the checksum field is written as zero; call {@link #fillChecksum} once the payload
   * follows. The low 32 bits of {@code key} and {@code sequence} are written when their flag is
   * set, so a caller's ever-increasing {@code long} counter wraps from 0xFFFFFFFF to 0 on the wire.
   *
   * @return the number of bytes written (the GRE header length)
   * @throws IllegalArgumentException if {@code flags} holds other bits or {@code protocolType} is
   *     not 16-bit
   */
  public static int write(ByteBuf out, int flags, int protocolType, long key, long sequence) {
    if ((flags & ~ALLOWED_FLAGS) != 0) {
      throw new IllegalArgumentException("unsupported GRE flags: 0x" + Integer.toHexString(flags));
    }
    if ((protocolType & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("protocolType is not 16-bit: " + protocolType);
    }
    int length = GreHeader.headerLength(flags);
    out.ensureWritable(length);
    out.writeShort(flags);
    out.writeShort(protocolType);
    if ((flags & GreHeader.FLAG_CHECKSUM) != 0) {
      out.writeInt(0);
    }
    if ((flags & GreHeader.FLAG_KEY) != 0) {
      out.writeInt((int) key);
    }
    if ((flags & GreHeader.FLAG_SEQUENCE) != 0) {
      out.writeInt((int) sequence);
    }
    return length;
  }

  /**
   * Computes and stores the checksum of a complete GRE packet ({@code length} bytes from {@code
   * greOffset}: header and payload) whose header has C set.
   */
  public static void fillChecksum(ByteBuf buf, int greOffset, int length) {
    buf.setShort(GreHeader.checksumOffset(greOffset), 0);
    buf.setShort(
        GreHeader.checksumOffset(greOffset), GreHeader.computeChecksum(buf, greOffset, length));
  }
}
