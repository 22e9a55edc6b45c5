package dev.tapwire.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.RawPcap;
import dev.tapwire.wire.testing.ReadRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PcapReaderTest {
  private static final byte[] DATA = {10, 11, 12, 13, 14};

  @ParameterizedTest(name = "magic {0} bigEndian={1}")
  @CsvSource({
    "a1b2c3d4, true, false, a1b2c3d4",
    "a1b2c3d4, false, false, d4c3b2a1",
    "a1b23c4d, true, true, a1b23c4d",
    "a1b23c4d, false, true, 4d3cb2a1"
  })
  void readsAllFourMagics(
      String magicHex, boolean bigEndian, boolean nanos, String firstBytesOnDisk) {
    int magic = Integer.parseUnsignedInt(magicHex, 16);
    byte[] file =
        RawPcap.header(bigEndian, magic, 65_535, LinkType.ETHERNET)
            .record(1_700_000_000, 123_456, DATA, 60)
            .record(1_700_000_001, 999_999, DATA, 5)
            .build();
    assertThat(io.netty.buffer.ByteBufUtil.hexDump(file, 0, 4)).isEqualTo(firstBytesOnDisk);

    PcapReader reader = new PcapReader();
    Outcome outcome = CaptureReading.readAll(reader, file);

    long unitNs = nanos ? 1 : 1_000;
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.records())
        .containsExactly(
            new ReadRecord(
                LinkType.ETHERNET,
                0,
                1_700_000_000_000_000_000L + 123_456 * unitNs,
                5,
                60,
                "0a0b0c0d0e",
                0,
                -1,
                List.of()),
            new ReadRecord(
                LinkType.ETHERNET,
                0,
                1_700_000_001_000_000_000L + 999_999 * unitNs,
                5,
                5,
                "0a0b0c0d0e",
                0,
                -1,
                List.of()));
    assertThat(reader.bigEndian()).isEqualTo(bigEndian);
    assertThat(reader.nanosecondResolution()).isEqualTo(nanos);
    assertThat(reader.snapLenBytes()).isEqualTo(65_535);
    assertThat(reader.versionMajor()).isEqualTo(2);
    assertThat(reader.versionMinor()).isEqualTo(4);
  }

  @Test
  void linkTypeWordWithFcsBits() {
    // FCS len 2 (16-bit words) = 4 bytes, P bit set, link type Ethernet.
    int word = 2 << 28 | 1 << 26 | LinkType.ETHERNET;
    PcapReader reader = new PcapReader();

    Outcome outcome =
        CaptureReading.readAll(reader, RawPcap.header(false, 0xA1B2C3D4, 1500, word).build());

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(reader.linkType()).isEqualTo(LinkType.ETHERNET);
    assertThat(reader.fcsLengthBytes()).isEqualTo(4);
  }

  @Test
  void fcsLengthIsUnknownWithoutThePBit() {
    int word = 2 << 28 | LinkType.LINUX_SLL2;
    PcapReader reader = new PcapReader();

    CaptureReading.readAll(reader, RawPcap.header(true, 0xA1B2C3D4, 1500, word).build());

    assertThat(reader.linkType()).isEqualTo(LinkType.LINUX_SLL2);
    assertThat(reader.fcsLengthBytes()).isEqualTo(-1);
  }

  @ParameterizedTest(name = "fed {0} bytes at a time")
  @ValueSource(ints = {1, 2, 5, 17, 100})
  void streamingInSmallPieces(int chunkBytes) {
    byte[] file =
        RawPcap.header(false, 0xA1B23C4D, 65_535, LinkType.RAW)
            .record(1, 2, DATA, 5)
            .record(3, 4, new byte[0], 0)
            .record(5, 6, new byte[300], 300)
            .build();

    Outcome outcome = CaptureReading.readAll(new PcapReader(), file, chunkBytes);

    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.records())
        .extracting(ReadRecord::timestampNs)
        .containsExactly(1_000_000_002L, 3_000_000_004L, 5_000_000_006L);
    assertThat(outcome.records()).extracting(ReadRecord::capturedLength).containsExactly(5, 0, 300);
  }

  @Test
  void recordIsAViewIntoTheInputBuffer() {
    byte[] file = RawPcap.header(false, 0xA1B2C3D4, 100, 1).record(0, 0, DATA, 5).build();
    ByteBuf in = Unpooled.buffer().writeZero(7).writeBytes(file);
    in.skipBytes(7);
    CaptureRecord record = new CaptureRecord();
    PcapReader reader = new PcapReader();

    assertThat(reader.next(in, record)).isEqualTo(CaptureReadResult.RECORD);
    assertThat(record.data()).isSameAs(in);
    assertThat(record.dataOffset()).isEqualTo(7 + 24 + 16);
    assertThat(in.readableBytes()).isZero();
    assertThat(reader.next(in, record)).isEqualTo(CaptureReadResult.NEED_MORE_DATA);
  }

  @Test
  void recordsAboveAWrongHeaderSnapLengthAreTolerated() {
    // Some writers put a small snap length in the header and then write longer records.
    byte[] file =
        RawPcap.header(false, 0xA1B2C3D4, 64, 1).record(0, 0, new byte[1500], 1500).build();

    Outcome outcome = CaptureReading.readAll(new PcapReader(), file);

    assertThat(outcome.records()).hasSize(1);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
  }
}
