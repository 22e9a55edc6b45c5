package dev.tapwire.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.RawPcap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One test per reason code the pcap reader can return. */
class PcapMalformedInputTest {
  private static final byte[] DATA = {1, 2, 3};

  @Test
  void truncatedFileHeader() {
    byte[] header = RawPcap.header(false, 0xA1B2C3D4, 100, 1).build();

    Outcome outcome = CaptureReading.readAll(new PcapReader(), Arrays.copyOf(header, 23));

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.TRUNCATED_FILE_HEADER);
  }

  @Test
  void emptyInputIsATruncatedFileHeader() {
    assertThat(CaptureReading.readAll(new PcapReader(), new byte[0]).end())
        .isEqualTo(CaptureReadResult.TRUNCATED_FILE_HEADER);
  }

  @Test
  void truncatedRecordHeader() {
    byte[] file = RawPcap.header(false, 0xA1B2C3D4, 100, 1).record(0, 0, DATA, 3).build();

    Outcome outcome = CaptureReading.readAll(new PcapReader(), Arrays.copyOf(file, 24 + 10));

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.TRUNCATED_RECORD);
  }

  @Test
  void truncatedRecordData() {
    byte[] file =
        RawPcap.header(false, 0xA1B2C3D4, 100, 1)
            .record(0, 0, DATA, 3)
            .record(0, 0, DATA, 3)
            .build();

    Outcome outcome =
        CaptureReading.readAll(new PcapReader(), Arrays.copyOf(file, file.length - 1));

    assertThat(outcome.records()).hasSize(1);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.TRUNCATED_RECORD);
  }

  @Test
  void badMagic() {
    byte[] file = RawPcap.header(false, 0xA1B2C3D5, 100, 1).record(0, 0, DATA, 3).build();

    assertFatal(file, CaptureReadResult.BAD_MAGIC);
  }

  @Test
  void pcapngIsABadMagicForThePcapReader() {
    byte[] file = RawPcap.header(false, 0x0A0D0D0A, 100, 1).build();

    assertFatal(file, CaptureReadResult.BAD_MAGIC);
  }

  @Test
  void unsupportedVersion() {
    byte[] file = RawPcap.header(false, 0xA1B2C3D4, 100, 1).record(0, 0, DATA, 3).build();
    file[4] = 3;

    assertFatal(file, CaptureReadResult.UNSUPPORTED_VERSION);
  }

  @Test
  void impossibleRecordLengthAboveTheSnapLengthLimit() {
    // Above both the header snap length and libpcap's 256 KiB maximum.
    byte[] file =
        RawPcap.header(false, 0xA1B2C3D4, 65_535, 1)
            .u32(0)
            .u32(0)
            .u32(262_145)
            .u32(262_145)
            .build();

    assertFatal(file, CaptureReadResult.IMPOSSIBLE_RECORD_LENGTH);
  }

  @Test
  void impossibleRecordLengthAboveTheHardLimit() {
    // A header snap length of 2^32-1 does not let a record claim 4 GiB.
    byte[] file =
        RawPcap.header(true, 0xA1B2C3D4, 0xFFFF_FFFF, 1)
            .u32(0)
            .u32(0)
            .u32(0x1000_0001)
            .u32(0x1000_0001)
            .build();

    assertFatal(file, CaptureReadResult.IMPOSSIBLE_RECORD_LENGTH);
  }

  @Test
  void impossibleRecordLengthIsReportedBeforeWaitingForTheData() {
    byte[] file =
        RawPcap.header(false, 0xA1B2C3D4, 0xFFFF_FFFF, 1)
            .u32(0)
            .u32(0)
            .u32(0xFFFF_FFFF)
            .u32(1)
            .build();
    ByteBuf in = Unpooled.wrappedBuffer(file);

    assertThat(new PcapReader().next(in, new CaptureRecord()))
        .isEqualTo(CaptureReadResult.IMPOSSIBLE_RECORD_LENGTH);
  }

  @Test
  void configuredRecordLimit() {
    byte[] file =
        RawPcap.header(false, 0xA1B2C3D4, 65_535, 1).record(0, 0, new byte[101], 101).build();

    assertThat(CaptureReading.readAll(new PcapReader(100), file).end())
        .isEqualTo(CaptureReadResult.IMPOSSIBLE_RECORD_LENGTH);
  }

  @Test
  void fatalErrorsRepeatAndConsumeNothing() {
    ByteBuf in = Unpooled.wrappedBuffer(RawPcap.header(false, 0x12345678, 100, 1).build());
    PcapReader reader = new PcapReader();

    assertThat(reader.next(in, new CaptureRecord())).isEqualTo(CaptureReadResult.BAD_MAGIC);
    assertThat(reader.next(in, new CaptureRecord())).isEqualTo(CaptureReadResult.BAD_MAGIC);
    assertThat(reader.finish(in)).isEqualTo(CaptureReadResult.BAD_MAGIC);
    assertThat(in.readerIndex()).isZero();
  }

  private static void assertFatal(byte[] file, CaptureReadResult reason) {
    assertThat(reason.isFatal()).isTrue();
    Outcome outcome = CaptureReading.readAll(new PcapReader(), file);
    assertThat(outcome.records()).isEmpty();
    assertThat(outcome.end()).isEqualTo(reason);
  }
}
