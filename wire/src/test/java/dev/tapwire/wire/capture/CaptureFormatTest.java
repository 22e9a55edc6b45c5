package dev.tapwire.wire.capture;

import static dev.tapwire.wire.testing.Bytes.fromHex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptureFormatTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "d4c3b2a102000400, PCAP",
    "a1b2c3d400020004, PCAP",
    "4d3cb2a102000400, PCAP",
    "a1b23c4d00020004, PCAP",
    "0a0d0d0a1c000000, PCAPNG",
    "0a0d0d0a, PCAPNG",
    "d4c3b2a0, UNKNOWN",
    "00000000, UNKNOWN",
    "0a0d0d, UNKNOWN",
    "'', UNKNOWN"
  })
  void detectsByTheFirstFourBytes(String hex, CaptureFormat expected) {
    ByteBuf firstBytes = fromHex(hex);

    assertThat(CaptureFormat.detect(firstBytes)).isEqualTo(expected);
    assertThat(firstBytes.readerIndex()).isZero();
  }

  @ParameterizedTest(name = "at reader index {0}")
  @CsvSource({"0", "3"})
  void looksAtTheReaderIndex(int readerIndex) {
    ByteBuf buf = fromHex("ffffff0a0d0d0a");
    buf.readerIndex(readerIndex);

    assertThat(CaptureFormat.detect(buf))
        .isEqualTo(readerIndex == 3 ? CaptureFormat.PCAPNG : CaptureFormat.UNKNOWN);
  }
}
