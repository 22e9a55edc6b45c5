package dev.tapwire.wire.pcapng;

/**
 * Converts pcapng timestamps, counted in if_tsresol units (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng#section-4.2">draft-ietf-opsawg-pcapng
 * section 4.2</a>, if_tsresol), to nanoseconds. MSB 0: units of 10^-n s; MSB 1: units of 2^-n s.
 * Timestamps are unsigned; results past year 2262 wrap, as any 64-bit nanosecond count would.
 */
final class TimestampResolution {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int BINARY_FLAG = 0x80;

  static final TimestampResolution MICROSECONDS = of(6);
  static final TimestampResolution NANOSECONDS = of(9);

  private final int code;
  private final long multiplier;
  private final long divisor;
  private final int binaryShift;

  private TimestampResolution(int code, long multiplier, long divisor, int binaryShift) {
    this.code = code;
    this.multiplier = multiplier;
    this.divisor = divisor;
    this.binaryShift = binaryShift;
  }

  /** The converter for an if_tsresol byte, or null if 64-bit arithmetic cannot represent it. */
  static TimestampResolution of(int tsresol) {
    int code = tsresol & 0xFF;
    int exponent = code & ~BINARY_FLAG;
    if ((code & BINARY_FLAG) != 0) {
      return exponent < 64 ? new TimestampResolution(code, 0, 0, exponent) : null;
    }
    if (exponent <= 9) {
      return new TimestampResolution(code, pow10(9 - exponent), 1, -1);
    }
    if (exponent <= 9 + 18) {
      return new TimestampResolution(code, 1, pow10(exponent - 9), -1);
    }
    return null;
  }

  /** The if_tsresol byte. */
  int code() {
    return code;
  }

  /** {@code units} (an unsigned 64-bit count) in nanoseconds. */
  long toNanos(long units) {
    if (binaryShift < 0) {
      return divisor == 1 ? units * multiplier : Long.divideUnsigned(units, divisor);
    }
    // units * 10^9 / 2^n needs the 128-bit product.
    long low = units * NANOS_PER_SECOND;
    if (binaryShift == 0) {
      return low;
    }
    long high = Math.unsignedMultiplyHigh(units, NANOS_PER_SECOND);
    return high << (64 - binaryShift) | low >>> binaryShift;
  }

  private static long pow10(int exponent) {
    long value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }
}
