package dev.tapwire.wire.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds classic pcap files field by field in either byte order, for reader tests. */
public final class RawPcap {
  private final boolean bigEndian;
  private final ByteBuf out = Unpooled.buffer();

  private RawPcap(boolean bigEndian) {
    this.bigEndian = bigEndian;
  }

  /** A file header with version 2.4. */
  public static RawPcap header(boolean bigEndian, int magic, int snapLen, int linkTypeWord) {
    RawPcap pcap = new RawPcap(bigEndian);
    return pcap.u32(magic).u16(2).u16(4).u32(0).u32(0).u32(snapLen).u32(linkTypeWord);
  }

  /** A record: header and data. */
  public RawPcap record(int seconds, int fraction, byte[] data, int originalLength) {
    return u32(seconds).u32(fraction).u32(data.length).u32(originalLength).bytes(data);
  }

  public RawPcap u16(int value) {
    if (bigEndian) {
      out.writeShort(value);
    } else {
      out.writeShortLE(value);
    }
    return this;
  }

  public RawPcap u32(int value) {
    if (bigEndian) {
      out.writeInt(value);
    } else {
      out.writeIntLE(value);
    }
    return this;
  }

  public RawPcap bytes(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  public byte[] build() {
    return CaptureReading.bytesOf(out);
  }
}
