package dev.tapwire.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.SampleCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tshark and capinfos, as independent oracles, read what PcapWriter produces. */
class PcapTsharkInteropTest {
  private static final long[] TIMES_NS = {
    1_700_000_000_000_000_001L, 1_700_000_000_123_456_789L, 1_700_000_001_999_999_999L
  };
  private static final int[] LENGTHS = {60, 1514, 42};

  @TempDir Path dir;

  @Test
  void nanosecondFileIsReadToTheNanosecond() throws IOException {
    Path file = write(PcapTimestampPrecision.NANOSECONDS, "ns.pcap");

    List<List<String>> rows =
        Tshark.fields(file, "frame.time_epoch", "frame.cap_len", "frame.len", "frame.encap_type");

    assertThat(rows).hasSize(TIMES_NS.length);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(Tshark.epochNanos(rows.get(i).get(0))).as("time of %d", i).isEqualTo(TIMES_NS[i]);
      assertThat(rows.get(i).get(1)).isEqualTo(Integer.toString(LENGTHS[i]));
      assertThat(rows.get(i).get(2)).isEqualTo(Integer.toString(LENGTHS[i] + 4));
      assertThat(rows.get(i).get(3)).as("Wireshark's Ethernet encapsulation").isEqualTo("1");
    }
    assertThat(Capinfos.packetCount(file)).isEqualTo(TIMES_NS.length);
    assertThat(Capinfos.report(file)).contains("nanoseconds (9)");
  }

  @Test
  void microsecondFileIsReadToTheMicrosecond() throws IOException {
    Path file = write(PcapTimestampPrecision.MICROSECONDS, "us.pcap");

    assertThat(Tshark.field(file, "frame.time_epoch").stream().map(Tshark::epochNanos))
        .containsExactly(
            1_700_000_000_000_000_000L, 1_700_000_000_123_456_000L, 1_700_000_001_999_999_000L);
    assertThat(Capinfos.packetCount(file)).isEqualTo(TIMES_NS.length);
    assertThat(Capinfos.report(file)).contains("microseconds (6)");
  }

  private Path write(PcapTimestampPrecision precision, String name) throws IOException {
    PcapWriter writer = new PcapWriter(LinkType.ETHERNET, 65_535, precision);
    ByteBuf out = Unpooled.buffer();
    writer.writeHeader(out);
    for (int i = 0; i < TIMES_NS.length; i++) {
      byte[] frame = SampleCapture.frame(i, LENGTHS[i]);
      writer.writeRecord(
          out, TIMES_NS[i], Unpooled.wrappedBuffer(frame), 0, frame.length, frame.length + 4);
    }
    Path file = dir.resolve(name);
    Files.write(file, CaptureReading.bytesOf(out));
    return file;
  }
}
