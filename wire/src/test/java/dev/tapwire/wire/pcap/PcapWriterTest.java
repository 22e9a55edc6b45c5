package dev.tapwire.wire.pcap;

import static dev.tapwire.wire.testing.Bytes.fromHex;
import static dev.tapwire.wire.testing.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Golden bytes of the classic pcap writer. */
class PcapWriterTest {
  // 1_700_000_000.123456789 s: seconds 0x6553f100.
  private static final long TIMESTAMP_NS = 1_700_000_000_123_456_789L;

  private final ByteBuf out = Unpooled.buffer();

  @Test
  void nanosecondHeaderIsTheDefault() {
    new PcapWriter(LinkType.ETHERNET, 262_144).writeHeader(out);

    assertThat(out.readableBytes()).isEqualTo(24);
    assertThat(hex(out, 0, 4)).as("ns magic, little-endian").isEqualTo("4d3cb2a1");
    assertThat(hex(out, 4, 4)).as("version 2.4").isEqualTo("02000400");
    assertThat(hex(out, 8, 8)).as("reserved").isEqualTo("0000000000000000");
    assertThat(hex(out, 16, 4)).as("snaplen").isEqualTo("00000400");
    assertThat(hex(out, 20, 4)).as("link type").isEqualTo("01000000");
  }

  @Test
  void microsecondHeader() {
    new PcapWriter(LinkType.LINUX_SLL2, 65_535, PcapTimestampPrecision.MICROSECONDS)
        .writeHeader(out);

    assertThat(hex(out))
        .isEqualTo("d4c3b2a1" + "02000400" + "0000000000000000" + "ffff0000" + "14010000");
  }

  @Test
  void nanosecondRecord() {
    new PcapWriter(LinkType.ETHERNET, 65_535)
        .writeRecord(out, TIMESTAMP_NS, fromHex("aabbccddee"), 1, 3, 64);

    assertThat(hex(out, 0, 4)).as("seconds").isEqualTo("00f15365");
    assertThat(hex(out, 4, 4)).as("123456789 ns").isEqualTo("15cd5b07");
    assertThat(hex(out, 8, 4)).as("captured length").isEqualTo("03000000");
    assertThat(hex(out, 12, 4)).as("original length").isEqualTo("40000000");
    assertThat(hex(out, 16, 3)).as("data from offset 1, not padded").isEqualTo("bbccdd");
    assertThat(out.readableBytes()).isEqualTo(19);
  }

  @Test
  void microsecondRecordTruncatesToMicroseconds() {
    new PcapWriter(LinkType.ETHERNET, 65_535, PcapTimestampPrecision.MICROSECONDS)
        .writeRecord(out, TIMESTAMP_NS, fromHex("aa"), 0, 1, 1);

    assertThat(hex(out, 0, 8)).as("seconds, 123456 us").isEqualTo("00f15365" + "40e20100");
  }

  @Test
  void recordsAreTruncatedToTheSnapLength() {
    new PcapWriter(LinkType.ETHERNET, 2).writeRecord(out, 0, fromHex("010203"), 0, 3, 3);

    assertThat(hex(out, 8, 8)).as("caplen 2, origlen 3").isEqualTo("02000000" + "03000000");
    assertThat(out.readableBytes()).isEqualTo(18);
  }

  @Test
  void programmingErrorsAreRejected() {
    assertThatThrownBy(() -> new PcapWriter(LinkType.ETHERNET, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PcapWriter(0x10000, 100))
        .isInstanceOf(IllegalArgumentException.class);
    PcapWriter writer = new PcapWriter(LinkType.ETHERNET, 100);
    assertThatThrownBy(() -> writer.writeRecord(out, 0, fromHex("0102"), 0, 2, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
