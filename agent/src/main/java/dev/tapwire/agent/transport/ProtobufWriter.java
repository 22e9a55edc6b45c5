package dev.tapwire.agent.transport;

/**
 * The few protobuf wire-format primitives the batch encoder needs, written into a byte array at a
 * position (protobuf encoding guide: varint, fixed64 little-endian, tags). Allocation-free.
 */
final class ProtobufWriter {
  private ProtobufWriter() {}

  /** Bytes of {@code value} as an unsigned varint. */
  static int varintSize(long value) {
    int size = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  /** Writes {@code value} as an unsigned varint at {@code position}; returns the next position. */
  static int writeVarint(byte[] out, int position, long value) {
    while ((value & ~0x7FL) != 0) {
      out[position++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[position++] = (byte) value;
    return position;
  }

  /** Writes {@code value} as 8 little-endian bytes; returns the next position. */
  static int writeFixed64(byte[] out, int position, long value) {
    for (int i = 0; i < 8; i++) {
      out[position + i] = (byte) (value >>> (8 * i));
    }
    return position + 8;
  }

  /** A field's tag: field number and wire type (0 varint, 1 fixed64, 2 length-delimited). */
  static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }
}
