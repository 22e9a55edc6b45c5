package dev.tapwire.wire.seq;

import java.util.Arrays;

/**
 * Loss accounting for one 32-bit wrapping sequence space (one GRE sender's counter), with serial
 * arithmetic (RFC 1982).
 *
 * <p>For each sequence number, {@link #observe} classifies it against the highest number seen:
 *
 * <ul>
 *   <li>one after it: in order;
 *   <li>2..{@code maxGap + 1} after it: a gap, the skipped numbers are counted as {@link
 *       #missing()};
 *   <li>equal, or up to {@link #REORDER_WINDOW} - 1 before it: a duplicate, or a late arrival that
 *       fills a gap counted earlier (counted as {@link #recovered()}, so reordering leaves no loss
 *       behind); a window bitmap tells the two apart;
 *   <li>anything else (further behind, further ahead, or exactly 2^31 away): out of range, counted
 *       with {@link #reorderedOrDuplicate()}. Two consecutive out-of-range arrivals that are in
 *       sequence with each other (the second 1..{@code maxGap + 1} after the first) mean that the
 *       sender restarted or jumped: the tracker resynchronizes and counts a {@link #resets()}. A
 *       single straggler therefore never moves the baseline (RFC 3550 Appendix A.1 uses the same
 *       probation).
 * </ul>
 *
 * <p>Numbers before the first one seen (or before a resynchronization) are never counted missing.
 * Net loss is {@code missing() - recovered()}.
 *
 * <p>Used alone, this is exact for a sender with one counter per tracked stream. When the same
 * sender may share one counter across several sessions, combine a per-stream tracker with a
 * per-source tracker through {@link SequenceAccounting}. Allocation happens only in the
 * constructor. Not thread-safe.
 */
public final class SequenceTracker {
  /** Reorder window in sequence numbers: late arrivals within it are recognized. */
  public static final int REORDER_WINDOW = 1024;

  /**
   * Default largest forward jump counted as loss: 2^24 numbers (about 16 s of total loss at 1
   * Mpps). A larger forward jump is treated like a restart (never as loss) once confirmed.
   */
  public static final long DEFAULT_MAX_GAP = 1L << 24;

  private static final int WORDS = REORDER_WINDOW / Long.SIZE;
  private static final int INDEX_MASK = REORDER_WINDOW - 1;

  /** How one sequence number relates to this space (package-private for SequenceAccounting). */
  enum Outcome {
    /** First number seen: baseline, nothing known. */
    FIRST,
    IN_ORDER,
    /** Ahead by 2..maxGap + 1: {@link #lastGap()} numbers skipped. */
    GAP,
    /** Within the window behind the highest, skipped before and not seen until now. */
    LATE,
    /** Equal to, or within the window behind, the highest, and already seen. */
    DUPLICATE,
    /** Within the window behind the highest but before the baseline: nothing known. */
    EARLY,
    /** Outside both ranges; waiting for a second such number to confirm a restart. */
    OUT_OF_RANGE,
    /** Confirmed restart or jump: new baseline, nothing known. */
    RESET
  }

  private final long maxGap;
  private final long[] seen = new long[WORDS];
  private final long[] counted = new long[WORDS];
  private boolean started;
  private long highest;
  private long baseline;
  private long sinceBaseline; // numbers advanced since the baseline, saturating at the window
  private boolean probation;
  private long candidate;
  private long lastGap;

  private long packets;
  private long gapEvents;
  private long missing;
  private long recovered;
  private long reorderedOrDuplicate;
  private long resets;

  /** A tracker with {@link #DEFAULT_MAX_GAP}. */
  public SequenceTracker() {
    this(DEFAULT_MAX_GAP);
  }

  /**
   * @param maxGap largest number of skipped sequence numbers counted as loss, 1..2^31 - 2
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public SequenceTracker(long maxGap) {
    if (maxGap < 1 || maxGap > SerialNumbers.HALF - 2) {
      throw new IllegalArgumentException(
          "maxGap must be in [1, " + (SerialNumbers.HALF - 2) + "], got " + maxGap);
    }
    this.maxGap = maxGap;
  }

  /**
   * Accounts for one sequence number.
   *
   * @return the change in net loss: the number of sequence numbers newly found missing before this
   *     one, -1 when this one arrives late and fills a gap counted earlier, 0 otherwise
   */
  public long observe(long seq) {
    return switch (update(seq)) {
      case GAP -> lastGap;
      case LATE -> -1;
      default -> 0;
    };
  }

  /** Classifies {@code seq}, updates the window and the counters of this space. */
  Outcome update(long seq) {
    long s = seq & SerialNumbers.MASK;
    packets++;
    if (!started) {
      baseline(s);
      return Outcome.FIRST;
    }
    long d = SerialNumbers.diff(s, highest);
    if (d >= 1 && d <= maxGap + 1) {
      advance(s, d);
      probation = false;
      if (d == 1) {
        return Outcome.IN_ORDER;
      }
      lastGap = d - 1;
      gapEvents++;
      missing += lastGap;
      return Outcome.GAP;
    }
    if (d <= 0 && d > -REORDER_WINDOW) {
      probation = false;
      reorderedOrDuplicate++;
      if (isSet(seen, s)) {
        return sinceBaseline < REORDER_WINDOW && SerialNumbers.diff(s, baseline) < 0
            ? Outcome.EARLY
            : Outcome.DUPLICATE;
      }
      set(seen, s);
      recovered++;
      return Outcome.LATE;
    }
    if (probation) {
      long fromCandidate = SerialNumbers.diff(s, candidate);
      if (fromCandidate >= 1 && fromCandidate <= maxGap + 1) {
        baseline(s);
        resets++;
        return Outcome.RESET;
      }
    }
    probation = true;
    candidate = s;
    reorderedOrDuplicate++;
    return Outcome.OUT_OF_RANGE;
  }

  private void baseline(long s) {
    started = true;
    highest = s;
    baseline = s;
    sinceBaseline = 0;
    probation = false;
    lastGap = 0;
    Arrays.fill(seen, -1L); // everything before the baseline counts as accounted for
    Arrays.fill(counted, 0L);
  }

  private void advance(long s, long d) {
    if (d >= REORDER_WINDOW) {
      Arrays.fill(seen, 0L);
      Arrays.fill(counted, 0L);
    } else {
      for (long i = 1; i <= d; i++) {
        long n = highest + i;
        clear(seen, n);
        clear(counted, n);
      }
    }
    set(seen, s);
    highest = s;
    sinceBaseline = Math.min(sinceBaseline + d, REORDER_WINDOW);
  }

  /** Skipped numbers in the gap just found (valid right after {@link Outcome#GAP}). */
  long lastGap() {
    return lastGap;
  }

  /**
   * Marks the {@code count} numbers just below {@code seq} as counted missing, where they are in
   * the window behind the highest number; {@code seq} must be the highest.
   */
  void markCounted(long seq, long count) {
    long s = seq & SerialNumbers.MASK;
    long limit = Math.min(count, REORDER_WINDOW - 1);
    for (long k = 1; k <= limit; k++) {
      long n = s - k;
      if (inWindow(n) && !isSet(seen, n)) {
        set(counted, n);
      }
    }
  }

  /**
   * True when {@code n} is in the window behind the highest, was never seen and is not yet counted
   * missing: nothing is known about it in this space.
   */
  boolean isUnaccounted(long n) {
    long s = n & SerialNumbers.MASK;
    return started && inWindow(s) && !isSet(seen, s) && !isSet(counted, s);
  }

  /** Marks one number in the window as counted missing (no-op outside the window or if seen). */
  void markCountedNumber(long n) {
    long s = n & SerialNumbers.MASK;
    if (started && inWindow(s) && !isSet(seen, s)) {
      set(counted, s);
    }
  }

  /** Clears the counted mark of {@code seq}; true when it was set. */
  boolean clearCounted(long seq) {
    long s = seq & SerialNumbers.MASK;
    if (!started || !inWindow(s) || !isSet(counted, s)) {
      return false;
    }
    clear(counted, s);
    return true;
  }

  private boolean inWindow(long n) {
    long d = SerialNumbers.diff(n, highest);
    return d <= 0 && d > -REORDER_WINDOW;
  }

  private static boolean isSet(long[] bits, long n) {
    int i = (int) (n & INDEX_MASK);
    return (bits[i >>> 6] & (1L << i)) != 0;
  }

  private static void set(long[] bits, long n) {
    int i = (int) (n & INDEX_MASK);
    bits[i >>> 6] |= 1L << i;
  }

  private static void clear(long[] bits, long n) {
    int i = (int) (n & INDEX_MASK);
    bits[i >>> 6] &= ~(1L << i);
  }

  /** Highest sequence number accepted so far (meaningless before the first one). */
  public long highest() {
    return highest;
  }

  /** Sequence numbers observed. */
  public long packets() {
    return packets;
  }

  /** Gaps found (each gap may skip several numbers). */
  public long gapEvents() {
    return gapEvents;
  }

  /** Sequence numbers skipped by gaps. */
  public long missing() {
    return missing;
  }

  /** Skipped numbers that arrived later, within the reorder window. */
  public long recovered() {
    return recovered;
  }

  /** {@link #missing()} minus {@link #recovered()}: the loss as currently known. */
  public long netMissing() {
    return missing - recovered;
  }

  /** Numbers that were late, duplicated or out of range (including late ones that recovered). */
  public long reorderedOrDuplicate() {
    return reorderedOrDuplicate;
  }

  /** Confirmed restarts or jumps (resynchronizations). */
  public long resets() {
    return resets;
  }
}
