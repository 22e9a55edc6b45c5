package dev.tapwire.wire.pcapng;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimestampResolutionTest {
  @Test
  void decimalResolutions() {
    assertThat(TimestampResolution.of(0).toNanos(3)).isEqualTo(3_000_000_000L);
    assertThat(TimestampResolution.of(6).toNanos(3)).isEqualTo(3_000L);
    assertThat(TimestampResolution.of(9).toNanos(3)).isEqualTo(3L);
    assertThat(TimestampResolution.of(10).toNanos(35)).isEqualTo(3L);
    assertThat(TimestampResolution.of(27).toNanos(-1L)).isEqualTo(18L);
  }

  @Test
  void binaryResolutions() {
    assertThat(TimestampResolution.of(0x80).toNanos(2)).isEqualTo(2_000_000_000L);
    assertThat(TimestampResolution.of(0x81).toNanos(3)).isEqualTo(1_500_000_000L);
    assertThat(TimestampResolution.of(0x80 | 30).toNanos(1L << 30)).isEqualTo(1_000_000_000L);
    // 2^-63 s: the largest unsigned count is just under 2 s.
    assertThat(TimestampResolution.of(0x80 | 63).toNanos(-1L)).isEqualTo(1_999_999_999L);
  }

  @Test
  void unrepresentableResolutionsAreRejected() {
    assertThat(TimestampResolution.of(28)).isNull();
    assertThat(TimestampResolution.of(0x7F)).isNull();
    assertThat(TimestampResolution.of(0x80 | 64)).isNull();
    assertThat(TimestampResolution.of(0xFF)).isNull();
  }

  @Test
  void timestampsAreUnsigned() {
    // 2^64 - 1 picoseconds; read as signed it would be -1 and give 0.
    assertThat(TimestampResolution.of(12).toNanos(-1L)).isEqualTo(18_446_744_073_709_551L);
  }
}
