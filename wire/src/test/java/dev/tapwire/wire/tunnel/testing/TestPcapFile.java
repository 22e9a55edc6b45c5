package dev.tapwire.wire.tunnel.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal classic-pcap reader for tests (little- and big-endian, microsecond and nanosecond
 * magic). Test-only stand-in until the production reader exists.
 */
public final class TestPcapFile {
  private static final int MAGIC_MICROS = 0xA1B2C3D4;
  private static final int MAGIC_NANOS = 0xA1B23C4D;
  private static final int FILE_HEADER_LENGTH = 24;
  private static final int RECORD_HEADER_LENGTH = 16;

  /** One record: capture time in ns since the epoch and the captured bytes. */
  public record Record(long timestampNs, byte[] data) {}

  private final int linkType;
  private final ByteOrder byteOrder;
  private final boolean nanosecond;
  private final List<Record> records;

  private TestPcapFile(
      int linkType, ByteOrder byteOrder, boolean nanosecond, List<Record> records) {
    this.linkType = linkType;
    this.byteOrder = byteOrder;
    this.nanosecond = nanosecond;
    this.records = records;
  }

  public static TestPcapFile read(Path path) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path));
    if (b.remaining() < FILE_HEADER_LENGTH) {
      throw new IOException(path + ": shorter than a pcap file header");
    }
    ByteOrder order = ByteOrder.BIG_ENDIAN;
    int magic = b.order(order).getInt(0);
    if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
      order = ByteOrder.LITTLE_ENDIAN;
      magic = b.order(order).getInt(0);
    }
    if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
      throw new IOException(
          path + ": not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
    }
    boolean nanos = magic == MAGIC_NANOS;
    int linkType = b.getInt(20) & 0xFFFF;
    List<Record> records = new ArrayList<>();
    int position = FILE_HEADER_LENGTH;
    while (position + RECORD_HEADER_LENGTH <= b.limit()) {
      long seconds = Integer.toUnsignedLong(b.getInt(position));
      long fraction = Integer.toUnsignedLong(b.getInt(position + 4));
      int capturedLength = b.getInt(position + 8);
      position += RECORD_HEADER_LENGTH;
      if (capturedLength < 0 || capturedLength > b.limit() - position) {
        throw new IOException(path + ": record at " + (position - 16) + " runs past the file end");
      }
      byte[] data = new byte[capturedLength];
      b.get(position, data);
      position += capturedLength;
      records.add(
          new Record(seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000), data));
    }
    if (position != b.limit()) {
      throw new IOException(path + ": " + (b.limit() - position) + " trailing bytes");
    }
    return new TestPcapFile(linkType, order, nanos, List.copyOf(records));
  }

  public int linkType() {
    return linkType;
  }

  public ByteOrder byteOrder() {
    return byteOrder;
  }

  public boolean nanosecond() {
    return nanosecond;
  }

  public List<Record> records() {
    return records;
  }
}
