package dev.tapwire.wire.pcapng;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.ReadRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pcapng-test-generator/test202-le.pcapng}: 3 sections (LE, BE, LE), 5 IDBs, EPBs, SPBs,
 * NRBs, ISBs and custom blocks. Expectations were read off the file's bytes and agree with tshark
 * and capinfos.
 */
class PcapngTestGeneratorVectorTest {
  private static final String FILE = "pcapng-test-generator/test202-le.pcapng";
  private static final long EARLY = 1_340_954_905_298_858_000L;
  private static final long LATE = 1_340_954_905_301_858_000L;

  /** A record and where it lives. */
  record Expected(int section, String interfaceName, ReadRecord record) {}

  private static Expected expected(
      int section, int interfaceId, String name, int linkType, long ns, int caplen, int len) {
    return new Expected(
        section,
        name,
        new ReadRecord(linkType, interfaceId, ns, caplen, len, null, 0, -1, List.of()));
  }

  private static final List<Expected> EXPECTED =
      List.of(
          expected(0, 0, "eth0", LinkType.ETHERNET, EARLY, 96, 314),
          expected(0, 0, "eth0", LinkType.ETHERNET, EARLY, 96, 342),
          expected(0, 1, "null1", LinkType.NULL, LATE, 168, 168),
          expected(
              1,
              0,
              "silly ethernet interface 2",
              LinkType.ETHERNET,
              CaptureRecord.NO_TIMESTAMP,
              128,
              314),
          expected(1, 0, "silly ethernet interface 2", LinkType.ETHERNET, EARLY, 128, 342),
          expected(
              1,
              0,
              "silly ethernet interface 2",
              LinkType.ETHERNET,
              CaptureRecord.NO_TIMESTAMP,
              128,
              314),
          expected(1, 0, "silly ethernet interface 2", LinkType.ETHERNET, EARLY, 128, 342),
          expected(2, 1, "null1", LinkType.NULL, LATE, 168, 168));

  private final Path file = RealCaptures.file(FILE);
  private final byte[] bytes = CaptureReading.bytesOf(file);

  @Test
  void readsEveryPacketOfEverySection() {
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), bytes, 50);

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.errors()).isEmpty();
    assertThat(outcome.records()).hasSize(8);
    for (int i = 0; i < EXPECTED.size(); i++) {
      ReadRecord want = EXPECTED.get(i).record();
      ReadRecord got = outcome.records().get(i);
      assertThat(got)
          .usingRecursiveComparison()
          .ignoringFields("dataHex")
          .as("record %d", i)
          .isEqualTo(want);
    }
    assertThat(outcome.statistics())
        .containsExactly("1:-1:-1:-1:-1", "0:-1:10:-1:-1", "0:-1:-1:-1:-1", "0:100:1:42:6");
  }

  @Test
  void sectionsAndInterfacesInFileOrder() {
    PcapngReader reader = new PcapngReader();
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    CaptureRecord record = new CaptureRecord();
    List<SectionHeader> sections = new ArrayList<>();
    List<InterfaceDescription> interfaces = new ArrayList<>();
    List<String> recordInterfaceNames = new ArrayList<>();
    int seenSections = 0;
    int seenInterfaces = 0;
    CaptureReadResult result;
    while ((result = reader.next(in, record)) != CaptureReadResult.NEED_MORE_DATA) {
      assertThat(result.isError()).as("result %s", result).isFalse();
      if (reader.sectionCount() != seenSections) {
        seenSections = reader.sectionCount();
        seenInterfaces = 0;
        sections.add(reader.section());
      }
      for (; seenInterfaces < reader.interfaceCount(); seenInterfaces++) {
        interfaces.add(reader.interfaceDescription(seenInterfaces));
      }
      if (result == CaptureReadResult.RECORD) {
        recordInterfaceNames.add(reader.interfaceDescription(record.interfaceId()).name());
      }
    }

    assertThat(sections).extracting(SectionHeader::bigEndian).containsExactly(false, true, false);
    assertThat(sections).extracting(SectionHeader::hardware).containsOnly("Apple MBP");
    assertThat(sections).extracting(SectionHeader::os).containsOnly("OS-X 10.10.5");
    assertThat(sections).extracting(SectionHeader::userApplication).containsOnly("pcap_writer.lua");
    assertThat(interfaces)
        .extracting(InterfaceDescription::name)
        .containsExactly("eth0", "null1", "silly ethernet interface 2", "eth0", "null1");
    assertThat(interfaces)
        .extracting(InterfaceDescription::linkType)
        .containsExactly(
            LinkType.ETHERNET, LinkType.NULL, LinkType.ETHERNET, LinkType.ETHERNET, LinkType.NULL);
    assertThat(interfaces)
        .extracting(InterfaceDescription::snapLenBytes)
        .containsExactly(96, 0, 128, 96, 0);
    assertThat(interfaces)
        .extracting(InterfaceDescription::timestampResolution)
        .containsOnly(InterfaceDescription.TSRESOL_MICROSECONDS);
    assertThat(recordInterfaceNames)
        .containsExactlyElementsOf(EXPECTED.stream().map(Expected::interfaceName).toList());
  }

  @Test
  void agreesWithCapinfos() {
    assertThat(Capinfos.packetCount(file)).isEqualTo(8);
    // capinfos lists the interfaces of all sections in file order.
    assertThat(Capinfos.interfaceNames(file))
        .containsExactly("eth0", "null1", "silly ethernet interface 2", "eth0", "null1");
  }

  @Test
  void agreesWithTshark() {
    // tshark also lists the custom blocks as frames without an encapsulation: leave them out.
    List<List<String>> packets =
        Tshark.fields(
                file,
                "frame.encap_type",
                "frame.time_epoch",
                "frame.cap_len",
                "frame.len",
                "frame.interface_name")
            .stream()
            .filter(row -> !row.get(0).isEmpty())
            .toList();
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), bytes);

    assertThat(packets).hasSize(outcome.records().size());
    for (int i = 0; i < packets.size(); i++) {
      List<String> row = packets.get(i);
      ReadRecord record = outcome.records().get(i);
      // Wireshark encapsulation numbers: 1 is Ethernet, 15 is BSD loopback (LINKTYPE_NULL).
      assertThat(record.linkType())
          .as("link type of %d", i)
          .isEqualTo(row.get(0).equals("15") ? LinkType.NULL : LinkType.ETHERNET);
      assertThat(row.get(0)).isIn("1", "15");
      if (row.get(1).isEmpty()) {
        assertThat(record.timestampNs()).as("SPB %d", i).isEqualTo(CaptureRecord.NO_TIMESTAMP);
      } else {
        assertThat(record.timestampNs())
            .as("time of %d", i)
            .isEqualTo(Tshark.epochNanos(row.get(1)));
      }
      assertThat(record.capturedLength()).isEqualTo(Integer.parseInt(row.get(2)));
      assertThat(record.originalLength()).isEqualTo(Integer.parseInt(row.get(3)));
      // Older tshark (4.0) resolves interface ids of later sections against the first section's
      // interfaces, so names are only compared where both agree on the interface list.
      if (EXPECTED.get(i).section() != 1) {
        assertThat(row.get(4)).as("interface of %d", i).isEqualTo(EXPECTED.get(i).interfaceName());
      }
    }
  }
}
