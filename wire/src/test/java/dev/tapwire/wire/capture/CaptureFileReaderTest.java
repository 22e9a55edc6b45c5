package dev.tapwire.wire.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcap.PcapWriter;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.SampleCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One facade over both formats: every real capture, read without saying which format it is. */
class CaptureFileReaderTest {
  /** Record counts from {@code shared/testdata/real/README.md}. */
  private static final Map<String, Integer> README_RECORDS =
      Map.ofEntries(
          Map.entry("erspan-type-i-3.pcap", 1),
          Map.entry("erspan-type-i-4.pcap", 119),
          Map.entry("erspan-type-ii-1.pcap", 1),
          Map.entry("erspan-type-ii-2.pcap", 16),
          Map.entry("erspan-type-ii-3.pcap", 108),
          Map.entry("erspan-type-iii-ft-0.pcap", 9),
          Map.entry("erspan-type-iii-ft-7.pcap", 58),
          Map.entry("vxlan.pcap", 10),
          Map.entry("tcp-handshake-nano.pcap", 3),
          Map.entry("pptp.pcap", 23),
          Map.entry("erspanI.pcap", 10),
          Map.entry("erspanIII.pcap", 2),
          Map.entry("gre-erspan3-dot1q.pcap", 2),
          Map.entry("erspan.pcap", 287),
          Map.entry("gre-over-udp-4754.pcap", 14),
          Map.entry("test202-le.pcapng", 8));

  static Stream<Path> realCaptures() {
    return Stream.concat(
        RealCaptures.filesEndingWith(".pcap").stream(),
        RealCaptures.filesEndingWith(".pcapng").stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("realCaptures")
  void readsEveryRealCaptureWithTheReadmeRecordCount(Path file) {
    String name = file.getFileName().toString();
    CaptureFileReader reader = new CaptureFileReader();

    Outcome outcome = CaptureReading.readAll(reader, CaptureReading.bytesOf(file), 1000);

    assertThat(README_RECORDS).containsKey(name);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.errors()).isEmpty();
    assertThat(outcome.records()).hasSize(README_RECORDS.get(name));
    CaptureFormat expected = name.endsWith(".pcapng") ? CaptureFormat.PCAPNG : CaptureFormat.PCAP;
    assertThat(reader.format()).isEqualTo(expected);
    assertThat(reader.pcapReader() != null).isEqualTo(expected == CaptureFormat.PCAP);
    assertThat(reader.pcapngReader() != null).isEqualTo(expected == CaptureFormat.PCAPNG);
  }

  @Test
  void everyReadmeFileIsPresent() {
    List<String> names = realCaptures().map(file -> file.getFileName().toString()).toList();

    assertThat(names).containsExactlyInAnyOrderElementsOf(README_RECORDS.keySet());
  }

  @Test
  void readsWhatTheWritersWrite() {
    ByteBuf pcap = Unpooled.buffer();
    PcapWriter writer = new PcapWriter(LinkType.ETHERNET, 1500);
    writer.writeHeader(pcap);
    writer.writeRecord(pcap, 5, Unpooled.wrappedBuffer(new byte[60]), 0, 60, 60);

    Outcome pcapOutcome =
        CaptureReading.readAll(new CaptureFileReader(), CaptureReading.bytesOf(pcap), 1);
    Outcome pcapngOutcome =
        CaptureReading.readAll(
            new CaptureFileReader(), CaptureReading.bytesOf(SampleCapture.write()), 1);

    assertThat(pcapOutcome.records()).hasSize(1);
    assertThat(pcapOutcome.records().get(0).timestampNs()).isEqualTo(5);
    assertThat(pcapngOutcome.records()).hasSize(SampleCapture.packets().size());
    assertThat(pcapngOutcome.statistics()).hasSize(3);
  }

  @Test
  void waitsForFourBytesBeforeDeciding() {
    CaptureFileReader reader = new CaptureFileReader();
    ByteBuf in = Unpooled.buffer().writeByte(0x0A).writeByte(0x0D).writeByte(0x0D);

    assertThat(reader.next(in, new CaptureRecord())).isEqualTo(CaptureReadResult.NEED_MORE_DATA);
    assertThat(reader.format()).isEqualTo(CaptureFormat.UNKNOWN);
    assertThat(reader.finish(in)).isEqualTo(CaptureReadResult.TRUNCATED_FILE_HEADER);
  }

  @Test
  void unknownFormatIsABadMagic() {
    CaptureFileReader reader = new CaptureFileReader();
    ByteBuf in =
        Unpooled.wrappedBuffer(
            "GET / HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    assertThat(reader.next(in, new CaptureRecord())).isEqualTo(CaptureReadResult.BAD_MAGIC);
    assertThat(reader.next(in, new CaptureRecord())).isEqualTo(CaptureReadResult.BAD_MAGIC);
    assertThat(reader.finish(in)).isEqualTo(CaptureReadResult.BAD_MAGIC);
    assertThat(in.readerIndex()).isZero();
  }
}
