package dev.tapwire.wire.pcapng;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.RawBlock;
import dev.tapwire.wire.testing.ReadRecord;
import dev.tapwire.wire.testing.SampleCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tshark and capinfos, as independent oracles, read what the pcapng writers produce. */
class PcapngTsharkInteropTest {
  @TempDir Path dir;

  @Test
  void tsharkReadsEveryPacketWithItsInterfaceTimeFlagsAndComment() throws IOException {
    Path file = write("sample.pcapng", CaptureReading.bytesOf(SampleCapture.write()));
    List<SampleCapture.Packet> packets = SampleCapture.packets();

    List<List<String>> rows =
        Tshark.fields(
            file,
            "frame.interface_id",
            "frame.interface_name",
            "frame.time_epoch",
            "frame.cap_len",
            "frame.len",
            "frame.packet_flags",
            "frame.drop_count",
            "frame.comment",
            "frame.interface_description");

    assertThat(rows).hasSameSizeAs(packets);
    for (int i = 0; i < packets.size(); i++) {
      SampleCapture.Packet p = packets.get(i);
      List<String> row = rows.get(i);
      InterfaceDescription d = SampleCapture.INTERFACES.get(p.interfaceId());
      assertThat(row.get(0))
          .as("interface id of %d", i)
          .isEqualTo(Integer.toString(p.interfaceId()));
      assertThat(row.get(1)).as("interface name of %d", i).isEqualTo(d.name());
      assertThat(Tshark.epochNanos(row.get(2))).as("time of %d", i).isEqualTo(p.timestampNs());
      assertThat(row.get(3)).as("caplen of %d", i).isEqualTo(Integer.toString(p.frame().length));
      assertThat(row.get(4)).as("len of %d", i).isEqualTo(Integer.toString(p.originalLength()));
      assertThat(row.get(5).isEmpty() ? 0 : Long.decode(row.get(5)).intValue())
          .as("flags of %d", i)
          .isEqualTo(p.flags());
      assertThat(row.get(6).isEmpty() ? -1 : Long.parseLong(row.get(6)))
          .as("drop count of %d", i)
          .isEqualTo(p.dropCount());
      assertThat(row.get(7))
          .as("comment of %d", i)
          .isEqualTo(p.comment() == null ? "" : p.comment());
      assertThat(row.get(8)).isEqualTo(d.description() == null ? "" : d.description());
    }
  }

  @Test
  void capinfosCountsPacketsInterfacesAndStatistics() throws IOException {
    Path file = write("sample.pcapng", CaptureReading.bytesOf(SampleCapture.write()));

    assertThat(Capinfos.packetCount(file)).isEqualTo(SampleCapture.packets().size());
    assertThat(Capinfos.interfaceNames(file))
        .containsExactly("agent-a/eth0", "198.18.1.1/erspan-101", "agent-b/eth1");
    String report = Capinfos.report(file);
    assertThat(report).contains("Capture application: tapwire test");
    assertThat(report.lines().filter(l -> l.contains("Time precision = nanoseconds (9)")))
        .hasSize(3);
    assertThat(report.lines().filter(l -> l.contains("Number of stat entries = 1"))).hasSize(3);
  }

  @Test
  void minimalFileWithoutOptions() throws IOException {
    io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
    SectionHeaderBlock.write(out, null, null, null);
    InterfaceDescriptionBlock.write(
        out, InterfaceDescription.builder(LinkType.ETHERNET, 0).build());
    byte[] frame = SampleCapture.frame(0, 60);
    EnhancedPacketBlock.write(
        out,
        0,
        1_000_000_000_000_000_001L,
        io.netty.buffer.Unpooled.wrappedBuffer(frame),
        0,
        60,
        60);
    Path file = write("minimal.pcapng", CaptureReading.bytesOf(out));

    assertThat(Tshark.field(file, "frame.time_epoch")).containsExactly("1000000000.000000001");
    assertThat(Capinfos.packetCount(file)).isEqualTo(1);
  }

  @Test
  void readerAgreesWithTsharkOnBinaryResolutionAndBigEndian() throws IOException {
    // 2^-20 s units in a big-endian section: a layout no Tapwire writer produces.
    byte[] bytes =
        RawBlock.concat(
            RawBlock.sectionHeader(true).build(),
            RawBlock.interfaceDescription(true, LinkType.ETHERNET, 0)
                .option(2, "binary")
                .optionU8(9, 0x80 | 20)
                .endOfOptions()
                .build(),
            RawBlock.enhancedPacket(
                    true, 0, 1_700_000_000L << 20 | 12_345, SampleCapture.frame(1, 60), 60)
                .build(),
            RawBlock.enhancedPacket(
                    true, 0, 1_700_000_001L << 20 | 1_048_575, SampleCapture.frame(2, 60), 60)
                .build());
    Path file = write("binary.pcapng", bytes);
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), bytes);

    List<String> times = Tshark.field(file, "frame.time_epoch");

    assertThat(outcome.records()).hasSize(2);
    assertThat(outcome.records())
        .extracting(ReadRecord::timestampNs)
        .containsExactlyElementsOf(times.stream().map(Tshark::epochNanos).toList());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }
}
