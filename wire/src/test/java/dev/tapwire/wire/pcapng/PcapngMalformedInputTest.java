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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * One test per reason code. Fatal reasons stop the reader (and repeat); block-level reasons skip
 * the block and reading goes on with the next one.
 */
class PcapngMalformedInputTest {
  private static final byte[] DATA = {1, 2, 3, 4, 5};
  private static final byte[] SHB = sectionHeader(false).build();
  private static final byte[] IDB = interfaceDescription(false, LinkType.ETHERNET, 0).build();
  private static final byte[] GOOD_EPB = enhancedPacket(false, 0, 1, DATA, 5).build();

  @Test
  void truncatedFileHeader() {
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), Arrays.copyOf(SHB, 10));

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.TRUNCATED_FILE_HEADER);
  }

  @Test
  void emptyInputIsATruncatedFileHeader() {
    assertThat(CaptureReading.readAll(new PcapngReader(), new byte[0]).end())
        .isEqualTo(CaptureReadResult.TRUNCATED_FILE_HEADER);
  }

  @Test
  void truncatedBlock() {
    byte[] file = concat(SHB, IDB, GOOD_EPB);

    Outcome outcome =
        CaptureReading.readAll(new PcapngReader(), Arrays.copyOf(file, file.length - 3));

    assertThat(outcome.records()).isEmpty();
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.TRUNCATED_BLOCK);
  }

  @Test
  void badMagicWhenTheFirstBlockIsNotASectionHeader() {
    assertFatal(concat(IDB, GOOD_EPB), CaptureReadResult.BAD_MAGIC);
  }

  @Test
  void badMagicIsReportedFromTheFirstFourBytes() {
    ByteBuf in =
        Unpooled.wrappedBuffer(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1});

    assertThat(new PcapngReader().next(in, new CaptureRecord()))
        .isEqualTo(CaptureReadResult.BAD_MAGIC);
  }

  @Test
  void badByteOrderMagic() {
    byte[] shb = RawBlock.of(0x0A0D0D0A, false).u32(0x1A2B3C4E).u16(1).u16(0).u64(-1).build();

    assertFatal(concat(shb, IDB, GOOD_EPB), CaptureReadResult.BAD_MAGIC);
  }

  @Test
  void unsupportedVersion() {
    byte[] shb = RawBlock.of(0x0A0D0D0A, false).u32(0x1A2B3C4D).u16(2).u16(0).u64(-1).build();

    assertFatal(concat(shb, IDB, GOOD_EPB), CaptureReadResult.UNSUPPORTED_VERSION);
  }

  @Test
  void blockLengthNotMultipleOf4() {
    byte[] epb = enhancedPacket(false, 0, 1, DATA, 5).totalLength(38).build();

    assertFatal(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.BLOCK_LENGTH_NOT_MULTIPLE_OF_4);
  }

  @Test
  void blockLengthTooSmall() {
    byte[] tiny = RawBlock.of(6, false).totalLength(8).build();

    assertFatal(concat(SHB, IDB, tiny), CaptureReadResult.BLOCK_LENGTH_TOO_SMALL);
  }

  @Test
  void sectionHeaderShorterThanItsFixedFields() {
    byte[] shb = RawBlock.of(0x0A0D0D0A, false).u32(0x1A2B3C4D).u16(1).u16(0).build();

    assertFatal(concat(shb, IDB), CaptureReadResult.BLOCK_LENGTH_TOO_SMALL);
  }

  @Test
  void blockLengthTooLarge() {
    byte[] big = enhancedPacket(false, 0, 1, new byte[200], 200).build();

    Outcome outcome = CaptureReading.readAll(new PcapngReader(128, 16), concat(SHB, IDB, big));

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.BLOCK_LENGTH_TOO_LARGE);
  }

  @Test
  void hugeLengthIsRejectedBeforeWaitingForData() {
    byte[] epb = enhancedPacket(false, 0, 1, DATA, 5).totalLength(0xFFFF_FFF0).build();
    ByteBuf in = Unpooled.wrappedBuffer(concat(SHB, IDB, epb));

    assertThat(new PcapngReader().next(in, new CaptureRecord()))
        .isEqualTo(CaptureReadResult.BLOCK_LENGTH_TOO_LARGE);
  }

  @Test
  void mismatchedTrailingLength() {
    byte[] epb = enhancedPacket(false, 0, 1, DATA, 5).trailingLength(44).build(); // real length: 40

    assertFatal(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.BLOCK_LENGTH_MISMATCH);
  }

  @Test
  void tooManyInterfaces() {
    Outcome outcome =
        CaptureReading.readAll(new PcapngReader(1 << 20, 1), concat(SHB, IDB, IDB, GOOD_EPB));

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.TOO_MANY_INTERFACES);
  }

  @Test
  void optionPastEnd() {
    byte[] epb = enhancedPacket(false, 0, 1, DATA, 5).optionHeader(1, 200).u32(0).build();

    assertSkipped(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.OPTION_PAST_END);
  }

  @Test
  void optionPastEndInAnInterfaceMakesItsPacketsInvalidToo() {
    byte[] idb = interfaceDescription(false, 1, 0).optionHeader(2, 9).u32(0).build();

    Outcome outcome = CaptureReading.readAll(new PcapngReader(), concat(SHB, idb, GOOD_EPB));

    assertThat(outcome.records()).isEmpty();
    assertThat(outcome.errors())
        .containsExactly(CaptureReadResult.OPTION_PAST_END, CaptureReadResult.OPTION_PAST_END);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
  }

  @Test
  void badOptionLength() {
    byte[] epb = enhancedPacket(false, 0, 1, DATA, 5).option(2, new byte[] {1, 0}).build();

    assertSkipped(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.BAD_OPTION_LENGTH);
  }

  @Test
  void badTimestampResolutionOptionLength() {
    byte[] idb = interfaceDescription(false, 1, 0).option(9, new byte[] {9, 9}).build();

    Outcome outcome = CaptureReading.readAll(new PcapngReader(), concat(SHB, idb, GOOD_EPB));

    assertThat(outcome.errors())
        .containsExactly(CaptureReadResult.BAD_OPTION_LENGTH, CaptureReadResult.BAD_OPTION_LENGTH);
  }

  @Test
  void capturedLengthPastBlock() {
    byte[] epb =
        RawBlock.of(6, false).u32(0).u32(0).u32(1).u32(9).u32(9).padded(new byte[8]).build();

    assertSkipped(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.CAPTURED_LENGTH_PAST_BLOCK);
  }

  @Test
  void impossibleCapturedLength() {
    byte[] epb =
        RawBlock.of(6, false)
            .u32(0)
            .u32(0)
            .u32(1)
            .u32(0xFFFF_FFFF)
            .u32(9)
            .padded(new byte[8])
            .build();

    assertSkipped(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.CAPTURED_LENGTH_PAST_BLOCK);
  }

  @Test
  void simplePacketLongerThanItsBlock() {
    byte[] spb = RawBlock.of(3, false).u32(100).padded(new byte[8]).build();

    assertSkipped(concat(SHB, IDB, spb, GOOD_EPB), CaptureReadResult.CAPTURED_LENGTH_PAST_BLOCK);
  }

  @Test
  void blockBodyTooShort() {
    byte[] epb = RawBlock.of(6, false).u32(0).u32(0).u32(1).build();

    assertSkipped(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.BLOCK_BODY_TOO_SHORT);
  }

  @Test
  void interfaceDescriptionTooShortStillTakesAnInterfaceId() {
    byte[] shortIdb = RawBlock.of(1, false).u32(1).build();
    byte[] onSecond = enhancedPacket(false, 1, 1, DATA, 5).build();
    byte[] onFirst = enhancedPacket(false, 0, 1, DATA, 5).build();

    PcapngReader reader = new PcapngReader();
    Outcome outcome = CaptureReading.readAll(reader, concat(SHB, shortIdb, IDB, onSecond, onFirst));

    assertThat(outcome.records()).hasSize(1);
    assertThat(outcome.records().get(0).interfaceId()).isEqualTo(1);
    assertThat(outcome.errors())
        .containsExactly(
            CaptureReadResult.BLOCK_BODY_TOO_SHORT, CaptureReadResult.BLOCK_BODY_TOO_SHORT);
    assertThat(reader.interfaceDescription(0)).isNull();
  }

  @Test
  void unknownInterface() {
    byte[] epb = enhancedPacket(false, 7, 1, DATA, 5).build();

    assertSkipped(concat(SHB, IDB, epb, GOOD_EPB), CaptureReadResult.UNKNOWN_INTERFACE);
  }

  @Test
  void packetBeforeAnyInterface() {
    Outcome outcome =
        CaptureReading.readAll(new PcapngReader(), concat(SHB, GOOD_EPB, IDB, GOOD_EPB));

    assertThat(outcome.errors()).containsExactly(CaptureReadResult.UNKNOWN_INTERFACE);
    assertThat(outcome.records()).hasSize(1);
  }

  @Test
  void statisticsForAnUnknownInterface() {
    byte[] isb = RawBlock.of(5, false).u32(3).u32(0).u32(0).build();

    assertSkipped(concat(SHB, IDB, isb, GOOD_EPB), CaptureReadResult.UNKNOWN_INTERFACE);
  }

  @Test
  void unsupportedTimestampResolution() {
    byte[] idb = interfaceDescription(false, 1, 0).optionU8(9, 0x80 | 100).build();

    Outcome outcome = CaptureReading.readAll(new PcapngReader(), concat(SHB, idb, GOOD_EPB));

    assertThat(outcome.records()).isEmpty();
    assertThat(outcome.errors())
        .containsExactly(
            CaptureReadResult.UNSUPPORTED_TIMESTAMP_RESOLUTION,
            CaptureReadResult.UNSUPPORTED_TIMESTAMP_RESOLUTION);
  }

  @Test
  void fatalErrorsRepeatAndConsumeNothing() {
    ByteBuf in =
        Unpooled.wrappedBuffer(concat(SHB, IDB, RawBlock.of(6, false).totalLength(13).build()));
    PcapngReader reader = new PcapngReader();
    CaptureRecord record = new CaptureRecord();

    assertThat(reader.next(in, record)).isEqualTo(CaptureReadResult.BLOCK_LENGTH_NOT_MULTIPLE_OF_4);
    int stuckAt = in.readerIndex();
    assertThat(reader.next(in, record)).isEqualTo(CaptureReadResult.BLOCK_LENGTH_NOT_MULTIPLE_OF_4);
    assertThat(reader.finish(in)).isEqualTo(CaptureReadResult.BLOCK_LENGTH_NOT_MULTIPLE_OF_4);
    assertThat(in.readerIndex()).isEqualTo(stuckAt).isEqualTo(SHB.length + IDB.length);
  }

  private static void assertFatal(byte[] file, CaptureReadResult reason) {
    assertThat(reason.isFatal()).isTrue();
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), file);
    assertThat(outcome.records()).isEmpty();
    assertThat(outcome.end()).isEqualTo(reason);
  }

  /** The bad block is reported once, then the good EPB after it is read. */
  private static void assertSkipped(byte[] file, CaptureReadResult reason) {
    assertThat(reason.isError()).isTrue();
    assertThat(reason.isFatal()).isFalse();
    Outcome outcome = CaptureReading.readAll(new PcapngReader(), file);
    assertThat(outcome.errors()).containsExactly(reason);
    assertThat(outcome.records()).hasSize(1);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
  }
}
