package dev.tapwire.collector.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.CaptureFileContents;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcapng.EpbFlags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pcapng file holds, read back by tshark and capinfos (independent oracles) and by the wire
 * module's reader for the statistics blocks, which tshark does not print.
 */
class PcapngFileContentTest {
  private static final long T0 = 1_795_000_000_123_456_789L;

  @TempDir Path dir;

  private final StreamDescriptor s1 = SinkTestFrames.stream(1, "198.18.1.1", 101);
  private final StreamDescriptor s2 = SinkTestFrames.stream(2, "198.18.1.2", 202);
  private final StreamDescriptor rawIp =
      new StreamDescriptor(
          3,
          "198.18.1.3/gre_in_udp-0",
          "198.18.1.3 -> 198.18.0.2, gre_in_udp over ip",
          LinkType.IPV4,
          "198.18.1.3",
          new StreamCounters());

  private record Sent(
      StreamDescriptor stream,
      byte[] bytes,
      long timeNs,
      int direction,
      long missingBefore,
      int originalLength) {}

  @Test
  void tsharkSeesEveryFrameWithItsInterfaceTimeFlagsAndDrops() {
    List<Sent> sent = new ArrayList<>();
    sent.add(new Sent(s1, SinkTestFrames.ethernet(60, 0), T0, Frame.DIRECTION_INBOUND, 0, 0));
    sent.add(new Sent(s2, SinkTestFrames.ethernet(61, 1), T0 + 1, Frame.DIRECTION_OUTBOUND, 3, 0));
    sent.add(
        new Sent(s1, SinkTestFrames.ethernet(64, 2), T0 + 999, Frame.DIRECTION_UNKNOWN, 0, 1500));
    sent.add(new Sent(rawIp, ipv4Packet(), T0 + 1_000_000_001L, Frame.DIRECTION_UNKNOWN, 0, 0));
    sent.add(new Sent(s2, SinkTestFrames.ethernet(1514, 4), T0 + 2_000_000_000L, 0, 0, 0));
    sent.add(new Sent(s1, SinkTestFrames.ethernet(9014, 5), T0 + 2_000_000_007L, 1, 2, 0));

    SinkTestFrames frames = new SinkTestFrames(16, 4);
    FakeClocks clocks = new FakeClocks("2026-11-27T16:45:02Z");
    Path file;
    try (FileSinkHarness h =
        new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG), clocks, frames)) {
      for (Sent s : sent) {
        Frame f = frames.frame(s.stream, s.bytes, s.timeNs);
        f.direction = s.direction;
        f.missingBefore = s.missingBefore;
        if (s.originalLength > 0) {
          f.truncated = true;
          f.originalLength = s.originalLength;
        }
        h.write(f);
      }
      file = h.sink.currentFiles().getFirst();
      h.finish();
      assertThat(h.sink.framesDelivered()).isEqualTo(sent.size());
      assertThat(h.sink.counters().filesClosed()).isEqualTo(1);
    }
    assertThat(frames.framesInFlight()).as("every frame released").isZero();

    List<List<String>> rows =
        Tshark.fields(
            file,
            "frame.interface_name",
            "frame.time_epoch",
            "frame.drop_count",
            "frame.packet_flags_direction",
            "frame.len",
            "frame.cap_len");
    assertThat(rows).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      Sent s = sent.get(i);
      List<String> row = rows.get(i);
      assertThat(row.get(0)).as("interface of frame %d", i).isEqualTo(s.stream.interfaceName());
      assertThat(Tshark.epochNanos(row.get(1))).as("time of frame %d", i).isEqualTo(s.timeNs);
      if (s.missingBefore > 0) {
        assertThat(row.get(2)).as("drop count of frame %d", i).isEqualTo("" + s.missingBefore);
      } else {
        assertThat(row.get(2)).as("no drop count on frame %d", i).isEmpty();
      }
      int expectedDirection =
          s.direction == Frame.DIRECTION_INBOUND
              ? EpbFlags.INBOUND
              : s.direction == Frame.DIRECTION_OUTBOUND ? EpbFlags.OUTBOUND : 0;
      assertThat(row.get(3).isEmpty() ? 0 : Integer.decode(row.get(3)))
          .as("direction of frame %d", i)
          .isEqualTo(expectedDirection);
      int wireLength = s.originalLength > 0 ? s.originalLength : s.bytes.length;
      assertThat(Integer.parseInt(row.get(4))).as("frame.len of %d", i).isEqualTo(wireLength);
      assertThat(Integer.parseInt(row.get(5))).as("cap_len of %d", i).isEqualTo(s.bytes.length);
    }
    assertThat(Capinfos.packetCount(file)).isEqualTo(sent.size());
    assertThat(Capinfos.interfaceNames(file))
        .containsExactly(s1.interfaceName(), s2.interfaceName(), rawIp.interfaceName());
    assertThat(Capinfos.report(file))
        .contains("Number of stat entries = 1")
        .doesNotContain("Number of stat entries = 0")
        .contains("nanoseconds");

    CaptureFileContents contents = CaptureFileContents.read(file);
    assertThat(contents.end()).isEqualTo("end_of_input");
    for (int i = 0; i < sent.size(); i++) {
      assertThat(SinkTestFrames.sha256(contents.packets().get(i).data()))
          .as("bytes of frame %d", i)
          .isEqualTo(SinkTestFrames.sha256(sent.get(i).bytes));
    }
    assertThat(contents.statistics())
        .containsExactly(
            new CaptureFileContents.Stats(0, T0, T0 + 2_000_000_007L, 3, 2, 0, 3),
            new CaptureFileContents.Stats(1, T0 + 1, T0 + 2_000_000_000L, 2, 3, 0, 2),
            new CaptureFileContents.Stats(2, T0 + 1_000_000_001L, T0 + 1_000_000_001L, 1, 0, 0, 1));
  }

  @Test
  void pcapHoldsEthernetOnlyWithNanosecondTimes() {
    SinkTestFrames frames = new SinkTestFrames(8, 1);
    FakeClocks clocks = new FakeClocks("2026-11-27T16:45:02Z");
    Path file;
    try (FileSinkHarness h =
        new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAP), clocks, frames)) {
      h.write(frames.frame(s1, SinkTestFrames.ethernet(60, 0), T0));
      h.write(frames.frame(rawIp, ipv4Packet(), T0 + 5));
      Frame truncated = frames.frame(s2, SinkTestFrames.ethernet(100, 2), T0 + 7);
      truncated.truncated = true;
      truncated.originalLength = 1400;
      h.write(truncated);
      file = h.sink.currentFiles().getFirst();
      h.finish();
      assertThat(h.sink.framesDelivered()).isEqualTo(2);
      assertThat(h.sink.framesDroppedByReason())
          .containsEntry(FileSinkCounters.LINK_TYPE_UNSUPPORTED, 1L);
    }
    assertThat(frames.framesInFlight()).isZero();
    assertThat(file.getFileName().toString()).endsWith(".pcap");
    List<List<String>> rows = Tshark.fields(file, "frame.time_epoch", "frame.len", "eth.type");
    assertThat(rows).hasSize(2);
    assertThat(Tshark.epochNanos(rows.get(0).get(0))).isEqualTo(T0);
    assertThat(Tshark.epochNanos(rows.get(1).get(0))).isEqualTo(T0 + 7);
    assertThat(rows.get(1).get(1)).isEqualTo("1400");
    assertThat(Capinfos.packetCount(file)).isEqualTo(2);
    assertThat(Capinfos.report(file)).contains("nanoseconds").contains("Ethernet");
  }

  /** A 28-byte IPv4/UDP header pair with a valid header checksum. */
  private static byte[] ipv4Packet() {
    byte[] p = {
      0x45,
      0,
      0,
      28,
      0,
      1,
      0,
      0,
      64,
      17,
      0,
      0,
      (byte) 198,
      18,
      9,
      1,
      (byte) 198,
      18,
      9,
      2, //
      0x30,
      0x39,
      0x30,
      0x39,
      0,
      8,
      0,
      0
    };
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    int checksum = ~sum & 0xffff;
    p[10] = (byte) (checksum >> 8);
    p[11] = (byte) checksum;
    return p;
  }
}
