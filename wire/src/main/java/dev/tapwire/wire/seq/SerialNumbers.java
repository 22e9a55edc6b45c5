package dev.tapwire.wire.seq;

/**
 * 32-bit serial number arithmetic (RFC 1982 §3.2, SERIAL_BITS = 32) for GRE sequence numbers (RFC
 * 2890 §2.2). Sequence numbers are carried as {@code long} values in {@code [0, 2^32)}; inputs
 * outside that range are reduced modulo 2^32.
 *
 * <p>RFC 1982 leaves the comparison of two numbers exactly 2^31 apart undefined. Here neither is
 * "after" the other, and {@link #diff} returns {@code -2^31} for that distance in both directions,
 * so callers that only count positive distances as progress never treat it as progress.
 */
public final class SerialNumbers {
  /** Number of distinct sequence numbers, 2^32. */
  public static final long MODULUS = 1L << 32;

  /** Mask reducing a value modulo 2^32. */
  public static final long MASK = MODULUS - 1;

  /** Half the space, 2^31: the smallest distance that is never "after". */
  public static final long HALF = 1L << 31;

  private SerialNumbers() {}

  /**
   * Signed distance from {@code from} to {@code to}, in {@code [-2^31, 2^31 - 1]}: positive when
   * {@code to} is after {@code from} (by that many steps), zero when equal, negative otherwise.
   */
  public static long diff(long to, long from) {
    return (int) (to - from);
  }

  /** True when {@code a} is after {@code b} in the sense of RFC 1982 ({@code a > b}). */
  public static boolean isAfter(long a, long b) {
    return diff(a, b) > 0;
  }

  /** True when {@code a} is before {@code b} in the sense of RFC 1982 ({@code a < b}). */
  public static boolean isBefore(long a, long b) {
    return diff(b, a) > 0;
  }

  /** {@code s + n} modulo 2^32 (RFC 1982 §3.1 addition, for any {@code n}). */
  public static long add(long s, long n) {
    return (s + n) & MASK;
  }
}
