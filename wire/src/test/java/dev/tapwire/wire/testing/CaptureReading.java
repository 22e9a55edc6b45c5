package dev.tapwire.wire.testing;

import static org.assertj.core.api.Assertions.fail;

import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureReader;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcapng.InterfaceStatistics;
import dev.tapwire.wire.pcapng.PcapngOptionCursor;
import dev.tapwire.wire.pcapng.PcapngOptionWriter;
import dev.tapwire.wire.pcapng.PcapngReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link CaptureReader} over a whole file, the way a tool reading a file would. */
public final class CaptureReading {
  /**
   * Everything a read produced.
   *
   * @param records every RECORD, copied
   * @param errors every non-fatal error result, in order
   * @param statistics every INTERFACE_STATISTICS result, as "ifId:recv:ifdrop:osdrop:usrdeliv"
   * @param end END_OF_INPUT, or the fatal error that stopped the read
   */
  public record Outcome(
      List<ReadRecord> records,
      List<CaptureReadResult> errors,
      List<String> statistics,
      CaptureReadResult end) {}

  private CaptureReading() {}

  public static byte[] bytesOf(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytesOf(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }

  /** Reads {@code file} handed over in one piece. */
  public static Outcome readAll(CaptureReader reader, byte[] file) {
    return readAll(reader, file, Math.max(1, file.length));
  }

  /**
   * Reads {@code file}, appending it to the reader's buffer {@code chunkBytes} at a time, and
   * compacting the buffer now and then as a streaming caller would.
   */
  public static Outcome readAll(CaptureReader reader, byte[] file, int chunkBytes) {
    ByteBuf in = Unpooled.buffer();
    CaptureRecord record = new CaptureRecord();
    PcapngOptionCursor cursor = new PcapngOptionCursor();
    List<ReadRecord> records = new ArrayList<>();
    List<CaptureReadResult> errors = new ArrayList<>();
    List<String> statistics = new ArrayList<>();
    int position = 0;
    long guard = 4L * file.length + 1_000;
    while (guard-- > 0) {
      CaptureReadResult result = reader.next(in, record);
      switch (result) {
        case RECORD -> records.add(ReadRecord.copyOf(record, comments(reader, cursor)));
        case INTERFACE_STATISTICS -> statistics.add(describe(pcapng(reader).statistics()));
        case NEED_MORE_DATA -> {
          if (position == file.length) {
            return new Outcome(records, errors, statistics, reader.finish(in));
          }
          if (in.readerIndex() > 64) {
            in.discardReadBytes();
          }
          int length = Math.min(chunkBytes, file.length - position);
          in.writeBytes(file, position, length);
          position += length;
        }
        default -> {
          if (result.isFatal()) {
            return new Outcome(records, errors, statistics, result);
          }
          errors.add(result);
        }
      }
    }
    return fail("reader did not make progress");
  }

  private static PcapngReader pcapng(CaptureReader reader) {
    if (reader instanceof PcapngReader pcapng) {
      return pcapng;
    }
    if (reader instanceof CaptureFileReader file) {
      return file.pcapngReader();
    }
    return null;
  }

  private static List<String> comments(CaptureReader reader, PcapngOptionCursor cursor) {
    PcapngReader pcapng = pcapng(reader);
    if (pcapng == null) {
      return List.of();
    }
    List<String> comments = new ArrayList<>();
    pcapng.recordOptions(cursor);
    while (cursor.next()) {
      if (cursor.code() == PcapngOptionWriter.COMMENT) {
        comments.add(cursor.utf8Value());
      }
    }
    return comments;
  }

  private static String describe(InterfaceStatistics s) {
    return s.interfaceId()
        + ":"
        + s.receivedPackets()
        + ":"
        + s.interfaceDroppedPackets()
        + ":"
        + s.osDroppedPackets()
        + ":"
        + s.deliveredPackets();
  }
}
