package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071 §1): the 16-bit one's complement of the one's complement sum of
 * the big-endian 16-bit words of a message, and its incremental update (RFC 1624 §3, eqn. 3).
 *
 * <p>Partial sums are carried as an unfolded {@code long} so that several ranges (a pseudo-header
 * and a payload, say) can be added before {@link #finish}. Every range passed to {@link #sum} must
 * start at an even position of the message being checksummed; an odd-length range is padded with a
 * zero byte, so only the last range of a message may have an odd length.
 */
public final class InternetChecksum {
  private InternetChecksum() {}

  /** Checksum of {@code length} bytes at absolute {@code offset}: the value to put in the field. */
  public static int compute(ByteBuf buf, int offset, int length) {
    return finish(sum(buf, offset, length, 0));
  }

  /**
   * Adds the bytes at {@code [offset, offset + length)} to {@code sum} as big-endian 16-bit words
   * and returns the unfolded result. Safe for any message up to 2 GiB.
   */
  public static long sum(ByteBuf buf, int offset, int length, long sum) {
    long acc = sum;
    int index = offset;
    int end = offset + length;
    // Adding 32-bit words and folding later gives the same one's complement sum: 2^16 == 1 mod
    // (2^16 - 1).
    while (end - index >= 4) {
      acc += buf.getUnsignedInt(index);
      index += 4;
    }
    if (end - index >= 2) {
      acc += buf.getUnsignedShort(index);
      index += 2;
    }
    if (index < end) {
      acc += buf.getUnsignedByte(index) << 8;
    }
    return acc;
  }

  /** Adds a 32-bit value (an IPv4 address, say) as two 16-bit words. */
  public static long sumInt(int value, long sum) {
    return sum + (value >>> 16) + (value & 0xFFFF);
  }

  /** Folds the carries of an unfolded sum into 16 bits (the one's complement sum). */
  public static int fold(long sum) {
    long folded = sum;
    while ((folded >>> 16) != 0) {
      folded = (folded & 0xFFFF) + (folded >>> 16);
    }
    return (int) folded;
  }

  /** The checksum field value for an unfolded sum: the one's complement of the folded sum. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xFFFF;
  }

  /**
   * Incremental update (RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}) of a checksum after one
   * 16-bit word of the message changed from {@code oldWord} to {@code newWord}.
   */
  public static int update(int checksum, int oldWord, int newWord) {
    long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
    return ~fold(sum) & 0xFFFF;
  }

  /** Incremental update after an aligned 32-bit field changed (two 16-bit words). */
  public static int updateInt(int checksum, int oldValue, int newValue) {
    int partial = update(checksum, oldValue >>> 16, newValue >>> 16);
    return update(partial, oldValue & 0xFFFF, newValue & 0xFFFF);
  }
}
