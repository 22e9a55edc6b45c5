package dev.tapwire.wire.ip.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal classic pcap reader for tests (little- or big-endian, micro- or nanosecond magic). Only
 * what the wire tests need; the production reader lives elsewhere.
 */
public final class TestPcapFile {
  public static final int LINKTYPE_ETHERNET = 1;

  /** One record: capture time, original length, captured bytes. */
  public record Record(int index, long timestampNs, int originalLength, byte[] data) {}

  private final int linkType;
  private final int snapLength;
  private final List<Record> records;

  private TestPcapFile(int linkType, int snapLength, List<Record> records) {
    this.linkType = linkType;
    this.snapLength = snapLength;
    this.records = records;
  }

  public int linkType() {
    return linkType;
  }

  public int snapLength() {
    return snapLength;
  }

  public List<Record> records() {
    return records;
  }

  public static TestPcapFile read(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int magic = in.getInt(0);
    boolean nanos;
    switch (magic) {
      case 0xA1B2C3D4 -> nanos = false;
      case 0xA1B23C4D -> nanos = true;
      case 0xD4C3B2A1, 0x4D3CB2A1 -> {
        in.order(ByteOrder.BIG_ENDIAN);
        nanos = magic == 0x4D3CB2A1;
      }
      default -> throw new IOException(file + ": not a classic pcap file");
    }
    int snapLength = in.getInt(16);
    int linkType = in.getInt(20) & 0xFFFF;
    List<Record> records = new ArrayList<>();
    int position = 24;
    while (position + 16 <= in.limit()) {
      long seconds = Integer.toUnsignedLong(in.getInt(position));
      long fraction = Integer.toUnsignedLong(in.getInt(position + 4));
      int capturedLength = in.getInt(position + 8);
      int originalLength = in.getInt(position + 12);
      position += 16;
      if (capturedLength < 0 || capturedLength > in.limit() - position) {
        throw new IOException(file + ": truncated record " + records.size());
      }
      byte[] data = new byte[capturedLength];
      in.get(position, data);
      position += capturedLength;
      long timestampNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
      records.add(new Record(records.size(), timestampNs, originalLength, data));
    }
    return new TestPcapFile(linkType, snapLength, List.copyOf(records));
  }

  /**
   * A file of the shared real captures ({@code shared/testdata/real/<relative>}), found from the
   * working directory upwards. Missing data fails under CI ({@code CI=true}) and skips otherwise.
   */
  public static Path realCapture(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared/testdata/real").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    String message = "shared/testdata/real/" + relative + " not found above the working directory";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    assumeTrue(false, message);
    return null;
  }
}
