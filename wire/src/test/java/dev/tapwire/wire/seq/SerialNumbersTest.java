package dev.tapwire.wire.seq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SerialNumbersTest {
  @Test
  void diffAcrossTheWrap() {
    assertThat(SerialNumbers.diff(0, 0xFFFF_FFFFL)).isEqualTo(1);
    assertThat(SerialNumbers.diff(2, 0xFFFF_FFFEL)).isEqualTo(4);
    assertThat(SerialNumbers.diff(0xFFFF_FFFFL, 0)).isEqualTo(-1);
  }

  @Test
  void signBoundary() {
    assertThat(SerialNumbers.diff(0x8000_0000L, 0x7FFF_FFFFL)).isEqualTo(1);
    assertThat(SerialNumbers.isAfter(0x8000_0000L, 0x7FFF_FFFFL)).isTrue();
    assertThat(SerialNumbers.diff(0x7FFF_FFFFL, 0)).isEqualTo(0x7FFF_FFFFL);
    assertThat(SerialNumbers.isAfter(0x7FFF_FFFFL, 0)).isTrue();
  }

  @Test
  void exactlyHalfTheSpaceApartIsNeitherAfterNorBefore() {
    long a = 5;
    long b = SerialNumbers.add(5, SerialNumbers.HALF);
    assertThat(SerialNumbers.diff(b, a)).isEqualTo(-SerialNumbers.HALF);
    assertThat(SerialNumbers.diff(a, b)).isEqualTo(-SerialNumbers.HALF);
    assertThat(SerialNumbers.isAfter(a, b)).isFalse();
    assertThat(SerialNumbers.isAfter(b, a)).isFalse();
    assertThat(SerialNumbers.isBefore(a, b)).isFalse();
    assertThat(SerialNumbers.isBefore(b, a)).isFalse();
  }

  @Test
  void rfc1982Examples() {
    // RFC 1982 §5.2 (SERIAL_BITS = 8) scaled to 32 bits: 255 -> 0 is after, 100 -> 200 after.
    assertThat(SerialNumbers.isAfter(0, 0xFFFF_FFFFL)).isTrue();
    assertThat(SerialNumbers.isAfter(200, 100)).isTrue();
    assertThat(SerialNumbers.isBefore(0xFFFF_FFFFL, 0)).isTrue();
    assertThat(SerialNumbers.isAfter(7, 7)).isFalse();
  }

  @Test
  void addWraps() {
    assertThat(SerialNumbers.add(0xFFFF_FFFFL, 1)).isZero();
    assertThat(SerialNumbers.add(0, -1)).isEqualTo(0xFFFF_FFFFL);
  }
}
