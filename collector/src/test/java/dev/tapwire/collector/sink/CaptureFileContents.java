package dev.tapwire.collector.sink;

import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import dev.tapwire.wire.pcapng.InterfaceStatistics;
import dev.tapwire.wire.pcapng.PcapngReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture file read back with the wire module's reader: packets, interface names and statistics
 * blocks. tshark is the independent oracle; this gives the values tshark does not print (ISBs).
 */
public record CaptureFileContents(
    List<Packet> packets, List<String> interfaceNames, List<Stats> statistics, String end) {

  /** One packet. */
  public record Packet(
      int interfaceId,
      long timestampNs,
      byte[] data,
      int originalLength,
      int flags,
      long dropCount) {}

  /** One Interface Statistics Block. */
  public record Stats(
      int interfaceId,
      long startNs,
      long endNs,
      long received,
      long interfaceDropped,
      long osDropped,
      long delivered) {}

  public static CaptureFileContents read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    List<Packet> packets = new ArrayList<>();
    List<Stats> stats = new ArrayList<>();
    while (true) {
      CaptureReadResult result = reader.next(in, record);
      switch (result) {
        case RECORD -> {
          byte[] data = new byte[record.capturedLength()];
          record.data().getBytes(record.dataOffset(), data);
          packets.add(
              new Packet(
                  record.interfaceId(),
                  record.timestampNs(),
                  data,
                  record.originalLength(),
                  record.flags(),
                  record.dropCount()));
        }
        case INTERFACE_STATISTICS -> {
          InterfaceStatistics s = reader.pcapngReader().statistics();
          stats.add(
              new Stats(
                  s.interfaceId(),
                  s.startTimeNs(),
                  s.endTimeNs(),
                  s.receivedPackets(),
                  s.interfaceDroppedPackets(),
                  s.osDroppedPackets(),
                  s.deliveredPackets()));
        }
        case NEED_MORE_DATA -> {
          CaptureReadResult end = reader.finish(in);
          return new CaptureFileContents(packets, names(reader), stats, end.label());
        }
        default -> {
          return new CaptureFileContents(packets, names(reader), stats, result.label());
        }
      }
    }
  }

  private static List<String> names(CaptureFileReader reader) {
    List<String> names = new ArrayList<>();
    PcapngReader pcapng = reader.pcapngReader();
    if (pcapng != null) {
      for (int i = 0; i < pcapng.interfaceCount(); i++) {
        InterfaceDescription d = pcapng.interfaceDescription(i);
        names.add(d.name());
      }
    }
    return names;
  }
}
