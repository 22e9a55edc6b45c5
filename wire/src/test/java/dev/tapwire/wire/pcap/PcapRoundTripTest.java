package dev.tapwire.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.ReadRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** PcapWriter -> PcapReader, keeping timestamps at the file's resolution. */
class PcapRoundTripTest {
  private static final long[] TIMES_NS = {
    0L,
    1L,
    999L,
    1_000L,
    1_700_000_000_123_456_789L,
    1_700_000_000_999_999_999L,
    4_294_967_295_999_999_999L
  };

  @Test
  void nanosecondFileKeepsEveryNanosecond() {
    Outcome outcome = roundTrip(PcapTimestampPrecision.NANOSECONDS);

    assertThat(outcome.records())
        .extracting(ReadRecord::timestampNs)
        .containsExactly(
            0L,
            1L,
            999L,
            1_000L,
            1_700_000_000_123_456_789L,
            1_700_000_000_999_999_999L,
            4_294_967_295_999_999_999L);
  }

  @Test
  void microsecondFileKeepsMicroseconds() {
    Outcome outcome = roundTrip(PcapTimestampPrecision.MICROSECONDS);

    assertThat(outcome.records())
        .extracting(ReadRecord::timestampNs)
        .containsExactly(
            0L,
            0L,
            0L,
            1_000L,
            1_700_000_000_123_456_000L,
            1_700_000_000_999_999_000L,
            4_294_967_295_999_999_000L);
  }

  @Test
  void dataAndLengthsComeBack() {
    Outcome outcome = roundTrip(PcapTimestampPrecision.NANOSECONDS);

    for (int i = 0; i < TIMES_NS.length; i++) {
      ReadRecord record = outcome.records().get(i);
      assertThat(record.linkType()).isEqualTo(LinkType.ETHERNET);
      assertThat(record.interfaceId()).isZero();
      assertThat(record.capturedLength()).isEqualTo(frame(i).length);
      assertThat(record.originalLength()).isEqualTo(frame(i).length + i);
      assertThat(record.dataHex()).isEqualTo(ByteBufUtil.hexDump(frame(i)));
      assertThat(record.flags()).isZero();
      assertThat(record.dropCount()).isEqualTo(CaptureRecord.NO_DROP_COUNT);
    }
  }

  private static Outcome roundTrip(PcapTimestampPrecision precision) {
    PcapWriter writer = new PcapWriter(LinkType.ETHERNET, 65_535, precision);
    ByteBuf out = Unpooled.buffer();
    writer.writeHeader(out);
    for (int i = 0; i < TIMES_NS.length; i++) {
      byte[] frame = frame(i);
      writer.writeRecord(
          out, TIMES_NS[i], Unpooled.wrappedBuffer(frame), 0, frame.length, frame.length + i);
    }
    PcapReader reader = new PcapReader();
    Outcome outcome = CaptureReading.readAll(reader, CaptureReading.bytesOf(out), 13);
    assertThat(outcome.end()).isEqualTo(CaptureReadResult.END_OF_INPUT);
    assertThat(outcome.records()).hasSize(TIMES_NS.length);
    assertThat(reader.nanosecondResolution())
        .isEqualTo(precision == PcapTimestampPrecision.NANOSECONDS);
    assertThat(reader.snapLenBytes()).isEqualTo(65_535);
    return outcome;
  }

  private static byte[] frame(int index) {
    byte[] frame = new byte[14 + index * 37];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (byte) (i * 7 + index);
    }
    return frame;
  }
}
