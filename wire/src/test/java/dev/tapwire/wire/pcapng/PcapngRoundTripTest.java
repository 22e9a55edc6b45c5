package dev.tapwire.wire.pcapng;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.ReadRecord;
import dev.tapwire.wire.testing.SampleCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pcapng writers -> pcapng reader: every field and option comes back, times to the ns. */
class PcapngRoundTripTest {
  private final byte[] file = CaptureReading.bytesOf(SampleCapture.write());

  @ParameterizedTest(name = "fed {0} bytes at a time")
  @ValueSource(ints = {1, 3, 7, 64, 1_000_000})
  void packetsComeBackExactly(int chunkBytes) {
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), file, chunkBytes);

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.errors()).isEmpty();
    List<SampleCapture.Packet> expected = SampleCapture.packets();
    assertThat(outcome.records()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      SampleCapture.Packet p = expected.get(i);
      ReadRecord r = outcome.records().get(i);
      assertThat(r.interfaceId()).as("interface of %d", i).isEqualTo(p.interfaceId());
      assertThat(r.linkType()).isEqualTo(LinkType.ETHERNET);
      assertThat(r.timestampNs()).as("timestamp of %d", i).isEqualTo(p.timestampNs());
      assertThat(r.capturedLength()).isEqualTo(p.frame().length);
      assertThat(r.originalLength()).isEqualTo(p.originalLength());
      assertThat(r.dataHex()).isEqualTo(ByteBufUtil.hexDump(p.frame()));
      assertThat(r.flags()).as("flags of %d", i).isEqualTo(p.flags());
      assertThat(r.dropCount()).as("drop count of %d", i).isEqualTo(p.dropCount());
      assertThat(r.comments())
          .as("comments of %d", i)
          .isEqualTo(p.comment() == null ? List.of() : List.of(p.comment()));
    }
    assertThat(outcome.statistics())
        .containsExactly("0:100:0:7:93", "1:101:1:7:94", "2:102:2:7:95");
  }

  @Test
  void interfacesAndSectionComeBack() {
    PcapngReader reader = new PcapngReader();
    CaptureReading.readAll(reader, file);

    assertThat(reader.sectionCount()).isEqualTo(1);
    assertThat(reader.section())
        .isEqualTo(new SectionHeader(false, 1, 0, -1, "x86_64", "Linux", "tapwire test"));
    assertThat(reader.interfaceCount()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(reader.interfaceDescription(i)).isEqualTo(SampleCapture.INTERFACES.get(i));
    }
    assertThat(reader.interfaceDescription(3)).isNull();
  }

  @Test
  void customOptionAndStatisticsTimesComeBack() {
    PcapngReader reader = new PcapngReader();
    ByteBuf in = io.netty.buffer.Unpooled.wrappedBuffer(file);
    CaptureRecord record = new CaptureRecord();
    PcapngOptionCursor options = new PcapngOptionCursor();
    int custom = 0;
    int statistics = 0;
    CaptureReadResult result;
    while ((result = reader.next(in, record)) != CaptureReadResult.NEED_MORE_DATA) {
      if (result == CaptureReadResult.RECORD) {
        reader.recordOptions(options);
        while (options.next()) {
          if (options.code() == PcapngOptionWriter.CUSTOM_BINARY_COPY) {
            custom++;
            assertThat(options.privateEnterpriseNumber()).isEqualTo(SampleCapture.EXAMPLE_PEN);
            assertThat(
                    ByteBufUtil.hexDump(
                        options.buffer(), options.valueOffset() + 4, options.valueLength() - 4))
                .isEqualTo(ByteBufUtil.hexDump(SampleCapture.erspanMetadata()));
          }
        }
        assertThat(options.error()).isNull();
      } else {
        assertThat(result).isEqualTo(CaptureReadResult.INTERFACE_STATISTICS);
        InterfaceStatistics s = reader.statistics();
        InterfaceStatistics expected = SampleCapture.statistics(s.interfaceId());
        assertThat(s.timestampNs()).isEqualTo(expected.timestampNs());
        assertThat(s.startTimeNs()).isEqualTo(expected.startTimeNs());
        assertThat(s.endTimeNs()).isEqualTo(expected.endTimeNs());
        assertThat(s.filterAcceptedPackets()).isEqualTo(InterfaceStatistics.ABSENT);
        assertThat(s.comment()).isEqualTo(expected.comment());
        statistics++;
      }
    }
    assertThat(custom).isEqualTo(1);
    assertThat(statistics).isEqualTo(3);
    assertThat(reader.finish(in)).isEqualTo(CaptureReadResult.END_OF_INPUT);
  }

  @Test
  void timestampsAtTheEdgesOfTheSixtyFourBitRange() {
    ByteBuf out = io.netty.buffer.Unpooled.buffer();
    SectionHeaderBlock.write(out, null, null, null);
    InterfaceDescriptionBlock.write(out, InterfaceDescription.builder(LinkType.RAW, 0).build());
    long[] times = {0, 1, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE};
    for (long t : times) {
      EnhancedPacketBlock.write(out, 0, t, out, 0, 0, 0);
    }

    Outcome outcome = CaptureReading.readAll(new PcapngReader(), CaptureReading.bytesOf(out));

    assertThat(outcome.records())
        .extracting(ReadRecord::timestampNs)
        .containsExactly(0L, 1L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE);
    assertThat(outcome.records()).extracting(ReadRecord::linkType).containsOnly(LinkType.RAW);
  }
}
