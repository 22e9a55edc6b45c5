package dev.tapwire.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.ReadRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every classic pcap file in {@code shared/testdata/real/}: record counts from its README, link
 * types and first/last times as tshark printed them, and every time compared with tshark live.
 */
class RealPcapVectorsTest {
  /**
   * Expected values per file.
   *
   * @param records "pkts" column of the README
   * @param firstTime tshark frame.time_epoch of the first record
   * @param lastTime tshark frame.time_epoch of the last record
   */
  record Vector(
      String file,
      int records,
      int linkType,
      boolean bigEndian,
      boolean nanos,
      String firstTime,
      String lastTime) {}

  static final List<Vector> VECTORS =
      List.of(
          new Vector(
              "tcpdump/erspan-type-i-3.pcap",
              1,
              1,
              false,
              false,
              "1319726230.555050000",
              "1319726230.555050000"),
          new Vector(
              "tcpdump/erspan-type-i-4.pcap",
              119,
              1,
              false,
              false,
              "1375870267.398254000",
              "1375870346.413582000"),
          new Vector(
              "tcpdump/erspan-type-ii-1.pcap",
              1,
              1,
              false,
              false,
              "1315421608.139390000",
              "1315421608.139390000"),
          new Vector(
              "tcpdump/erspan-type-ii-2.pcap",
              16,
              1,
              false,
              false,
              "1187335581.649556000",
              "1187335581.656337000"),
          new Vector(
              "tcpdump/erspan-type-ii-3.pcap",
              108,
              1,
              false,
              false,
              "1486833319.096226000",
              "1486833457.092562000"),
          new Vector(
              "tcpdump/erspan-type-iii-ft-0.pcap",
              9,
              1,
              false,
              false,
              "1569743906.661437000",
              "1569743914.853463000"),
          new Vector(
              "tcpdump/erspan-type-iii-ft-7.pcap",
              58,
              1,
              false,
              false,
              "1486871721.583545000",
              "1486871781.581909000"),
          new Vector(
              "tcpdump/vxlan.pcap",
              10,
              1,
              false,
              false,
              "1368908504.837063000",
              "1368908507.885359000"),
          new Vector(
              "tcpdump/tcp-handshake-nano.pcap",
              3,
              LinkType.LINUX_SLL,
              false,
              true,
              "1418145369.924505488",
              "1418145370.052115157"),
          new Vector(
              "tcpdump/pptp.pcap",
              23,
              1,
              true,
              false,
              "954147395.148077000",
              "954147396.347775000"),
          new Vector(
              "zeek/erspanI.pcap",
              10,
              1,
              false,
              false,
              "1615972935.415785000",
              "1615972935.430145000"),
          new Vector(
              "zeek/erspanIII.pcap",
              2,
              1,
              false,
              false,
              "1547208014.232092000",
              "1547208014.236397000"),
          new Vector(
              "zeek/gre-erspan3-dot1q.pcap",
              2,
              1,
              false,
              false,
              "1582807360.142640000",
              "1582807360.143012000"),
          new Vector(
              "zeek/erspan.pcap",
              287,
              1,
              false,
              false,
              "1442309933.472798000",
              "1442310056.333047000"),
          new Vector(
              "zeek/gre-over-udp-4754.pcap",
              14,
              1,
              false,
              false,
              "1697536647.956165000",
              "1697536648.119229000"));

  static Stream<Vector> vectors() {
    return VECTORS.stream();
  }

  @Test
  void everyPcapFileInTheDirectoryHasAnExpectation() {
    Path dir = RealCaptures.dir();
    List<String> files =
        RealCaptures.filesEndingWith(".pcap").stream()
            .map(file -> dir.relativize(file).toString().replace('\\', '/'))
            .toList();

    assertThat(files)
        .containsExactlyInAnyOrderElementsOf(VECTORS.stream().map(Vector::file).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void readsRecordCountsLinkTypesAndTimes(Vector vector) {
    PcapReader reader = new PcapReader();
    Outcome outcome = read(reader, vector);

    assertThat(outcome.records()).hasSize(vector.records());
    assertThat(outcome.records()).extracting(ReadRecord::linkType).containsOnly(vector.linkType());
    assertThat(reader.bigEndian()).isEqualTo(vector.bigEndian());
    assertThat(reader.nanosecondResolution()).isEqualTo(vector.nanos());
    assertThat(outcome.records().getFirst().timestampNs())
        .isEqualTo(Tshark.epochNanos(vector.firstTime()));
    assertThat(outcome.records().getLast().timestampNs())
        .isEqualTo(Tshark.epochNanos(vector.lastTime()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void everyTimeAndLengthMatchesTshark(Vector vector) {
    Outcome outcome = read(new PcapReader(), vector);
    List<List<String>> rows =
        Tshark.fields(
            RealCaptures.file(vector.file()), "frame.time_epoch", "frame.cap_len", "frame.len");

    assertThat(rows).hasSize(outcome.records().size());
    for (int i = 0; i < rows.size(); i++) {
      ReadRecord record = outcome.records().get(i);
      List<String> row = rows.get(i);
      assertThat(record.timestampNs()).as("time of %d", i).isEqualTo(Tshark.epochNanos(row.get(0)));
      assertThat(record.capturedLength())
          .as("caplen of %d", i)
          .isEqualTo(Integer.parseInt(row.get(1)));
      assertThat(record.originalLength())
          .as("len of %d", i)
          .isEqualTo(Integer.parseInt(row.get(2)));
    }
  }

  @Test
  void bigEndianFileHasTheExpectedHeader() {
    PcapReader reader = new PcapReader();
    read(
        reader,
        VECTORS.stream().filter(v -> v.file().endsWith("pptp.pcap")).findFirst().orElseThrow());

    assertThat(Map.of("snaplen", reader.snapLenBytes(), "linktype", (long) reader.linkType()))
        .isEqualTo(Map.of("snaplen", 65_535L, "linktype", 1L));
    assertThat(reader.fcsLengthBytes()).isEqualTo(-1);
  }

  private static Outcome read(PcapReader reader, Vector vector) {
    Outcome outcome =
        CaptureReading.readAll(
            reader, CaptureReading.bytesOf(RealCaptures.file(vector.file())), 4096);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.errors()).isEmpty();
    return outcome;
  }
}
