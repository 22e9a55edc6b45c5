package dev.tapwire.wire.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Builds pcapng blocks field by field in either byte order, including malformed ones, for reader
 * tests. Independent of the production writers on purpose.
 */
public final class RawBlock {
  private final boolean bigEndian;
  private final int type;
  private final ByteBuf body = Unpooled.buffer();
  private Integer totalLength;
  private Integer trailingLength;

  private RawBlock(int type, boolean bigEndian) {
    this.type = type;
    this.bigEndian = bigEndian;
  }

  public static RawBlock of(int type, boolean bigEndian) {
    return new RawBlock(type, bigEndian);
  }

  /** A version 1.0 SHB with section length -1 and no options. */
  public static RawBlock sectionHeader(boolean bigEndian) {
    return of(0x0A0D0D0A, bigEndian).u32(0x1A2B3C4D).u16(1).u16(0).u64(-1);
  }

  /** An IDB body with no options yet. */
  public static RawBlock interfaceDescription(boolean bigEndian, int linkType, int snapLen) {
    return of(1, bigEndian).u16(linkType).u16(0).u32(snapLen);
  }

  /** An EPB body with padded data and no options yet. */
  public static RawBlock enhancedPacket(
      boolean bigEndian, int interfaceId, long timestamp, byte[] data, int originalLength) {
    return of(6, bigEndian)
        .u32(interfaceId)
        .u32((int) (timestamp >>> 32))
        .u32((int) timestamp)
        .u32(data.length)
        .u32(originalLength)
        .padded(data);
  }

  public RawBlock u8(int value) {
    body.writeByte(value);
    return this;
  }

  public RawBlock u16(int value) {
    if (bigEndian) {
      body.writeShort(value);
    } else {
      body.writeShortLE(value);
    }
    return this;
  }

  public RawBlock u32(int value) {
    if (bigEndian) {
      body.writeInt(value);
    } else {
      body.writeIntLE(value);
    }
    return this;
  }

  public RawBlock u64(long value) {
    if (bigEndian) {
      body.writeLong(value);
    } else {
      body.writeLongLE(value);
    }
    return this;
  }

  /** Raw bytes, then zero padding to a multiple of 4. */
  public RawBlock padded(byte[] bytes) {
    body.writeBytes(bytes);
    body.writeZero((4 - bytes.length % 4) % 4);
    return this;
  }

  /** An option: code, length, padded value. */
  public RawBlock option(int code, byte[] value) {
    return u16(code).u16(value.length).padded(value);
  }

  public RawBlock option(int code, String value) {
    return option(code, value.getBytes(StandardCharsets.UTF_8));
  }

  public RawBlock optionU8(int code, int value) {
    return option(code, new byte[] {(byte) value});
  }

  public RawBlock optionU32(int code, int value) {
    u16(code).u16(4);
    return u32(value);
  }

  public RawBlock optionU64(int code, long value) {
    u16(code).u16(8);
    return u64(value);
  }

  /** An option header claiming {@code length} bytes, with no value after it. */
  public RawBlock optionHeader(int code, int length) {
    return u16(code).u16(length);
  }

  public RawBlock endOfOptions() {
    return u32(0);
  }

  /** Overrides the leading Block Total Length. */
  public RawBlock totalLength(int value) {
    this.totalLength = value;
    return this;
  }

  /** Overrides the trailing Block Total Length. */
  public RawBlock trailingLength(int value) {
    this.trailingLength = value;
    return this;
  }

  public byte[] build() {
    int length = 12 + body.readableBytes();
    ByteBuf out = Unpooled.buffer(length);
    RawBlock header = new RawBlock(type, bigEndian);
    header.u32(type).u32(totalLength != null ? totalLength : length);
    out.writeBytes(header.body);
    out.writeBytes(body, body.readerIndex(), body.readableBytes());
    RawBlock trailer = new RawBlock(type, bigEndian);
    trailer.u32(trailingLength != null ? trailingLength : length);
    out.writeBytes(trailer.body);
    return CaptureReading.bytesOf(out);
  }

  /** Concatenates blocks into one file image. */
  public static byte[] concat(byte[]... parts) {
    ByteBuf out = Unpooled.buffer();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return CaptureReading.bytesOf(out);
  }
}
