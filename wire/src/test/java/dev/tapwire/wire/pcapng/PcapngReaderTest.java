package dev.tapwire.wire.pcapng;

import static dev.tapwire.wire.testing.RawBlock.concat;
import static dev.tapwire.wire.testing.RawBlock.enhancedPacket;
import static dev.tapwire.wire.testing.RawBlock.interfaceDescription;
import static dev.tapwire.wire.testing.RawBlock.sectionHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.RawBlock;
import dev.tapwire.wire.testing.ReadRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reader behaviour on hand-built files: byte orders, resolutions, block kinds, sections. */
class PcapngReaderTest {
  private static final byte[] DATA = {1, 2, 3, 4, 5, 6, 7};

  @ParameterizedTest(name = "bigEndian={0}")
  @ValueSource(booleans = {false, true})
  void readsEitherByteOrder(boolean bigEndian) {
    byte[] file =
        concat(
            sectionHeader(bigEndian).option(2, "hw").option(3, "os").option(4, "app").build(),
            interfaceDescription(bigEndian, LinkType.ETHERNET, 96)
                .option(2, "eth9")
                .option(3, "an interface")
                .optionU8(9, 9)
                .optionU8(13, 4)
                .endOfOptions()
                .build(),
            enhancedPacket(bigEndian, 0, 1_234_567_890_123_456_789L, DATA, 70)
                .optionU32(2, EpbFlags.OUTBOUND | EpbFlags.fcsLength(4))
                .optionU64(4, 42)
                .endOfOptions()
                .build());

    PcapngReader reader = new PcapngReader();
    Outcome outcome = CaptureReading.readAll(reader, file);

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.records())
        .containsExactly(
            new ReadRecord(
                LinkType.ETHERNET,
                0,
                1_234_567_890_123_456_789L,
                7,
                70,
                "01020304050607",
                EpbFlags.OUTBOUND | 4 << 5,
                42,
                List.of()));
    assertThat(reader.section())
        .isEqualTo(new SectionHeader(bigEndian, 1, 0, -1, "hw", "os", "app"));
    InterfaceDescription description = reader.interfaceDescription(0);
    assertThat(description.name()).isEqualTo("eth9");
    assertThat(description.description()).isEqualTo("an interface");
    assertThat(description.snapLenBytes()).isEqualTo(96);
    assertThat(description.timestampResolution()).isEqualTo(9);
    assertThat(description.fcsLengthBytes()).isEqualTo(4);
  }

  @Test
  void defaultResolutionIsMicroseconds() {
    ReadRecord record = readOne(interfaceDescription(false, 1, 0).build(), 1_500_000_000_123_456L);

    assertThat(record.timestampNs()).isEqualTo(1_500_000_000_123_456_000L);
  }

  @Test
  void binaryResolutionTwoToTheMinusN() {
    // 2^-20 s units: 3.5 s is 3.5 * 2^20 units.
    byte[] idb = interfaceDescription(false, 1, 0).optionU8(9, 0x80 | 20).build();

    assertThat(readOne(idb, 3L * (1 << 20) + (1 << 19)).timestampNs()).isEqualTo(3_500_000_000L);
  }

  @Test
  void binaryResolutionNeedsTheFullProductBeforeShifting() {
    // 2^-32 s units (fixed-point seconds.fraction), a 2023 time: 1_700_000_000.25 s.
    byte[] idb = interfaceDescription(false, 1, 0).optionU8(9, 0x80 | 32).build();
    long units = 1_700_000_000L << 32 | 0x4000_0000L;

    assertThat(readOne(idb, units).timestampNs()).isEqualTo(1_700_000_000_250_000_000L);
  }

  @Test
  void decimalResolutionsCoarserAndFinerThanNanoseconds() {
    byte[] millis = interfaceDescription(false, 1, 0).optionU8(9, 3).build();
    byte[] picos = interfaceDescription(false, 1, 0).optionU8(9, 12).build();

    assertThat(readOne(millis, 1_700_000_000_123L).timestampNs())
        .isEqualTo(1_700_000_000_123_000_000L);
    assertThat(readOne(picos, 1_700_000_000_123_456_789L).timestampNs())
        .isEqualTo(1_700_000_000_123_456L);
  }

  @Test
  void timestampOffsetIsAddedInSeconds() {
    byte[] idb =
        interfaceDescription(false, 1, 0).optionU8(9, 9).optionU64(14, 1_000_000_000L).build();

    assertThat(readOne(idb, 700_000_000_000_000_001L).timestampNs())
        .isEqualTo(1_700_000_000_000_000_001L);
  }

  @Test
  void simplePacketBlockUsesInterfaceZeroAndItsSnapLength() {
    byte[] spb = RawBlock.of(3, true).u32(314).padded(new byte[128]).build();
    byte[] file =
        concat(
            sectionHeader(true).build(),
            interfaceDescription(true, LinkType.ETHERNET, 128).build(),
            spb);

    Outcome outcome = CaptureReading.readAll(new PcapngReader(), file);

    assertThat(outcome.records()).hasSize(1);
    ReadRecord record = outcome.records().get(0);
    assertThat(record.interfaceId()).isZero();
    assertThat(record.capturedLength()).isEqualTo(128);
    assertThat(record.originalLength()).isEqualTo(314);
    assertThat(record.timestampNs()).isEqualTo(CaptureRecord.NO_TIMESTAMP);
    assertThat(record.dropCount()).isEqualTo(CaptureRecord.NO_DROP_COUNT);
  }

  @Test
  void simplePacketBlockWithoutSnapLengthCapturesEverything() {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            interfaceDescription(false, LinkType.RAW, 0).build(),
            RawBlock.of(3, false).u32(5).padded(new byte[] {9, 8, 7, 6, 5}).build());

    ReadRecord record = CaptureReading.readAll(new PcapngReader(), file).records().get(0);

    assertThat(record.capturedLength()).isEqualTo(5);
    assertThat(record.dataHex()).isEqualTo("0908070605");
  }

  @Test
  void obsoletePacketBlock() {
    byte[] packetBlock =
        RawBlock.of(2, false)
            .u16(1)
            .u16(3)
            .u32(0)
            .u32(1_000_000)
            .u32(DATA.length)
            .u32(100)
            .padded(DATA)
            .optionU32(2, EpbFlags.INBOUND)
            .build();
    byte[] file =
        concat(
            sectionHeader(false).build(),
            interfaceDescription(false, LinkType.ETHERNET, 0).build(),
            interfaceDescription(false, LinkType.NULL, 0).build(),
            packetBlock);

    ReadRecord record = CaptureReading.readAll(new PcapngReader(), file).records().get(0);

    assertThat(record.interfaceId()).isEqualTo(1);
    assertThat(record.linkType()).isEqualTo(LinkType.NULL);
    assertThat(record.timestampNs()).isEqualTo(1_000_000_000L);
    assertThat(record.originalLength()).isEqualTo(100);
    assertThat(record.flags()).isEqualTo(EpbFlags.INBOUND);
    assertThat(record.dropCount()).isEqualTo(3);
  }

  @Test
  void skipsNameResolutionDecryptionCustomAndUnknownBlocks() {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            RawBlock.of(4, false)
                .u16(1)
                .u16(8)
                .padded(new byte[] {10, 0, 0, 1, 'a', 0, 0, 0})
                .u32(0)
                .build(),
            interfaceDescription(false, LinkType.ETHERNET, 0).build(),
            RawBlock.of(0x0A, false).u32(0x544c534b).u32(4).padded(new byte[4]).build(),
            RawBlock.of(0x0BAD, false).u32(32473).padded(new byte[] {1, 2, 3}).build(),
            RawBlock.of(0x40000BAD, false).u32(32473).build(),
            RawBlock.of(0x12345678, false).build(),
            RawBlock.of(0x80000001, false).padded(new byte[40]).build(),
            enhancedPacket(false, 0, 1, DATA, 7).build());

    Outcome outcome = CaptureReading.readAll(new PcapngReader(), file);

    assertThat(outcome.records()).hasSize(1);
    assertThat(outcome.errors()).isEmpty();
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
  }

  @Test
  void optionsWithoutEndOfOptionsAreRead() {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            interfaceDescription(false, LinkType.ETHERNET, 0).option(2, "no-end").build(),
            enhancedPacket(false, 0, 1, DATA, 7).optionU32(2, EpbFlags.INBOUND).build());

    PcapngReader reader = new PcapngReader();
    Outcome outcome = CaptureReading.readAll(reader, file);

    assertThat(outcome.records().get(0).flags()).isEqualTo(EpbFlags.INBOUND);
    assertThat(reader.interfaceDescription(0).name()).isEqualTo("no-end");
  }

  @Test
  void optionsAfterEndOfOptionsAreIgnored() {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            interfaceDescription(false, LinkType.ETHERNET, 0).build(),
            enhancedPacket(false, 0, 1, DATA, 7).endOfOptions().optionU32(2, 1).build());

    assertThat(CaptureReading.readAll(new PcapngReader(), file).records().get(0).flags()).isZero();
  }

  @Test
  void eachSectionHasItsOwnByteOrderAndInterfaces() {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            interfaceDescription(false, LinkType.ETHERNET, 0).option(2, "a0").build(),
            interfaceDescription(false, LinkType.NULL, 0).option(2, "a1").build(),
            enhancedPacket(false, 1, 10, DATA, 7).build(),
            sectionHeader(true).build(),
            interfaceDescription(true, LinkType.RAW, 0).option(2, "b0").build(),
            enhancedPacket(true, 0, 20, DATA, 7).build(),
            enhancedPacket(true, 1, 30, DATA, 7).build());

    PcapngReader reader = new PcapngReader();
    Outcome outcome = CaptureReading.readAll(reader, file);

    assertThat(outcome.records())
        .extracting(ReadRecord::linkType)
        .containsExactly(LinkType.NULL, LinkType.RAW);
    assertThat(outcome.errors()).containsExactly(CaptureReadResult.UNKNOWN_INTERFACE);
    assertThat(reader.sectionCount()).isEqualTo(2);
    assertThat(reader.interfaceCount()).isEqualTo(1);
    assertThat(reader.interfaceDescription(0).name()).isEqualTo("b0");
    assertThat(reader.section().bigEndian()).isTrue();
  }

  @Test
  void recordDataIsAViewIntoTheInputBuffer() {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            interfaceDescription(false, LinkType.ETHERNET, 0).build(),
            enhancedPacket(false, 0, 1, DATA, 7).build());
    ByteBuf in = Unpooled.wrappedBuffer(file);
    CaptureRecord record = new CaptureRecord();

    assertThat(new PcapngReader().next(in, record)).isEqualTo(CaptureReadResult.RECORD);
    assertThat(record.data()).isSameAs(in);
    // The EPB is the last 40 bytes: 28 bytes of fixed fields, 7 data bytes padded to 8, 4.
    assertThat(record.dataOffset()).isEqualTo(file.length - 40 + 28);
    assertThat(in.readableBytes()).as("whole file consumed").isZero();
  }

  @Test
  void statisticsBlockIsReportedWithItsCounters() {
    byte[] isb =
        RawBlock.of(5, true)
            .u32(0)
            .u32(0)
            .u32(5_000_000)
            .u16(2)
            .u16(8)
            .u32(0)
            .u32(1_000_000)
            .u16(3)
            .u16(8)
            .u32(0)
            .u32(4_000_000)
            .optionU64(4, 100)
            .optionU64(5, 1)
            .optionU64(6, 9)
            .optionU64(7, 42)
            .optionU64(8, 6)
            .option(1, "isb comment")
            .endOfOptions()
            .build();
    byte[] file =
        concat(sectionHeader(true).build(), interfaceDescription(true, 1, 0).build(), isb);
    PcapngReader reader = new PcapngReader();
    ByteBuf in = Unpooled.wrappedBuffer(file);

    assertThat(reader.next(in, new CaptureRecord()))
        .isEqualTo(CaptureReadResult.INTERFACE_STATISTICS);
    InterfaceStatistics s = reader.statistics();
    assertThat(s.interfaceId()).isZero();
    assertThat(s.timestampNs()).isEqualTo(5_000_000_000L);
    assertThat(s.startTimeNs()).isEqualTo(1_000_000_000L);
    assertThat(s.endTimeNs()).isEqualTo(4_000_000_000L);
    assertThat(s.receivedPackets()).isEqualTo(100);
    assertThat(s.interfaceDroppedPackets()).isEqualTo(1);
    assertThat(s.filterAcceptedPackets()).isEqualTo(9);
    assertThat(s.osDroppedPackets()).isEqualTo(42);
    assertThat(s.deliveredPackets()).isEqualTo(6);
    assertThat(s.comment()).isEqualTo("isb comment");
    assertThat(reader.next(in, new CaptureRecord())).isEqualTo(CaptureReadResult.NEED_MORE_DATA);
  }

  @Test
  void sectionVersionOnePointTwoIsReadAsOnePointZero() {
    byte[] shb = RawBlock.of(0x0A0D0D0A, false).u32(0x1A2B3C4D).u16(1).u16(2).u64(-1).build();
    byte[] file =
        concat(
            shb,
            interfaceDescription(false, 1, 0).build(),
            enhancedPacket(false, 0, 1, DATA, 7).build());

    assertThat(CaptureReading.readAll(new PcapngReader(), file).records()).hasSize(1);
  }

  private static ReadRecord readOne(byte[] idb, long timestampUnits) {
    byte[] file =
        concat(
            sectionHeader(false).build(),
            idb,
            enhancedPacket(false, 0, timestampUnits, DATA, 7).build());
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), file);
    assertThat(outcome.errors()).isEmpty();
    assertThat(outcome.records()).hasSize(1);
    return outcome.records().get(0);
  }
}
