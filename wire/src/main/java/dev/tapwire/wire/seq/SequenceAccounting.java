package dev.tapwire.wire.seq;

import dev.tapwire.wire.seq.SequenceTracker.Outcome;

/**
 * Network loss of one GRE source (outer source, outer destination, GRE protocol) from the sequence
 * numbers of all its streams (sessions), whether the sender keeps one counter per session or shares
 * one counter across sessions. See the package documentation for the rule and why it cannot report
 * loss that did not happen.
 *
 * <p>The caller owns the maps: one {@code SequenceAccounting} per source, one {@link
 * SequenceTracker} per stream of that source, and passes the stream's tracker with each sequence
 * number. A stream must always be observed through the same source. The counters here are the
 * source's; a caller that wants loss per session adds the positive returns of {@link #observe} to
 * the stream's own counter (the stream tracker's counters describe its raw sequence space, exact
 * only for per-session senders). Allocation happens only in the constructor. Not thread-safe.
 */
public final class SequenceAccounting {
  private static final int EVIDENCE_LIMIT = 64;

  /** Evidence from which the stream space alone is trusted (independent counters). */
  private static final int INDEPENDENT_THRESHOLD = 8;

  private final SequenceTracker source;

  /** Positive: streams look independent (per-session counters); negative: one shared counter. */
  private int perSessionEvidence;

  private long packets;
  private long gapEvents;
  private long missing;
  private long recovered;
  private long reorderedOrDuplicate;
  private long resets;

  /** Accounting with trackers using {@link SequenceTracker#DEFAULT_MAX_GAP}. */
  public SequenceAccounting() {
    this(new SequenceTracker());
  }

  /** Accounting over the given source-wide tracker (fresh, and used by nothing else). */
  public SequenceAccounting(SequenceTracker sourceTracker) {
    this.source = sourceTracker;
  }

  /**
   * Accounts for one sequence number of a stream of this source.
   *
   * @param stream the stream's own tracker
   * @return the change in this source's net loss: the number of frames newly found missing before
   *     this one, minus one when this one arrives late and fills a gap counted earlier
   */
  public long observe(SequenceTracker stream, long seq) {
    Outcome t = stream.update(seq);
    Outcome s = source.update(seq);
    packets++;
    // A late number that was counted missing: clear its marks, it is accounted for now.
    boolean streamMark = t == Outcome.LATE && stream.clearCounted(seq);
    boolean sourceMark = s == Outcome.LATE && source.clearCounted(seq);
    weighEvidence(t, s);
    boolean perSession = perSessionEvidence >= INDEPENDENT_THRESHOLD;

    long recoveredNow = 0;
    // With independent counters, another session's identical number says nothing about this one,
    // so only the stream's own mark recovers.
    if ((streamMark || (sourceMark && !perSession)) && recovered < missing) {
      recovered++;
      recoveredNow = 1;
    }
    long found = 0;
    switch (t) {
      case FIRST, IN_ORDER -> {}
      case RESET -> resets++;
      case LATE, DUPLICATE, EARLY, OUT_OF_RANGE -> reorderedOrDuplicate++;
      case GAP -> found = streamGap(stream, s, seq, perSession);
    }
    return found - recoveredNow;
  }

  /** Frames to count for a stream gap, given what the source-wide space says about {@code seq}. */
  private long streamGap(SequenceTracker stream, Outcome s, long seq, boolean perSession) {
    long streamGap = stream.lastGap();
    if (s == Outcome.LATE && !perSession) {
      return unaccountedInSource(stream, seq, streamGap);
    }
    long found;
    if (perSession) {
      // The source's sessions count independently: the stream space is exact.
      found = s == Outcome.FIRST || s == Outcome.EARLY ? 0 : streamGap;
    } else {
      found =
          switch (s) {
            // Both spaces skipped numbers: each is an upper bound of the truth in one sender mode.
            case GAP -> Math.min(streamGap, source.lastGap());
            // Not after the source-wide highest: only the stream space can judge.
            case DUPLICATE, OUT_OF_RANGE, RESET -> streamGap;
            // Contiguous in the source-wide space (a shared counter), or no baseline there.
            default -> 0;
          };
    }
    if (found > 0) {
      gapEvents++;
      missing += found;
      stream.markCounted(seq, found);
      if (s == Outcome.GAP) {
        source.markCounted(seq, Math.min(found, source.lastGap()));
      }
    }
    return found;
  }

  /**
   * A stream gap on a number that the source-wide space skipped earlier: with independent counters
   * the stream's skipped numbers are lost; with a shared counter they are other sessions' numbers,
   * seen (or counted) in the source-wide space already, or still on their way. So count only the
   * skipped numbers the source-wide space knows nothing about, and mark them there too: if they
   * turn up later in any stream, they are recovered.
   */
  private long unaccountedInSource(SequenceTracker stream, long seq, long streamGap) {
    long found = 0;
    long limit = Math.min(streamGap, SequenceTracker.REORDER_WINDOW - 1);
    for (long k = 1; k <= limit; k++) {
      long n = seq - k;
      if (source.isUnaccounted(n)) {
        source.markCountedNumber(n);
        stream.markCountedNumber(n);
        found++;
      }
    }
    if (found > 0) {
      gapEvents++;
      missing += found;
    }
    return found;
  }

  /**
   * Weighs whether this source's sessions count independently. With one shared counter, once both
   * spaces have a baseline, a stream that is in order finds the source-wide space in order too (or,
   * after reordering, finds its number skipped there). So a stream in order while the source-wide
   * space saw the number already, skipped ahead to it, or is far from it, is evidence of
   * independent counters. A stream gap while the source-wide space is in order is the signature of
   * a shared counter. The score is bounded, so the steady pattern wins.
   */
  private void weighEvidence(Outcome t, Outcome s) {
    if (t == Outcome.IN_ORDER
        && (s == Outcome.DUPLICATE
            || s == Outcome.GAP
            || s == Outcome.OUT_OF_RANGE
            || s == Outcome.RESET)) {
      perSessionEvidence = Math.min(perSessionEvidence + 1, EVIDENCE_LIMIT);
    } else if (t == Outcome.GAP && s == Outcome.IN_ORDER) {
      perSessionEvidence = Math.max(perSessionEvidence - 1, -EVIDENCE_LIMIT);
    }
  }

  /** The source-wide tracker (its own counters describe the raw source-wide space). */
  public SequenceTracker sourceTracker() {
    return source;
  }

  /** Positive when the streams of this source look like independent counters. */
  int perSessionEvidence() {
    return perSessionEvidence;
  }

  /** Sequence numbers observed, all streams. */
  public long packets() {
    return packets;
  }

  /** Gaps that were counted as loss. */
  public long gapEvents() {
    return gapEvents;
  }

  /** Frames counted missing (never decreases). */
  public long missing() {
    return missing;
  }

  /** Frames counted missing that arrived later (never decreases, never exceeds missing). */
  public long recovered() {
    return recovered;
  }

  /** {@link #missing()} minus {@link #recovered()}: the loss as currently known. */
  public long netMissing() {
    return missing - recovered;
  }

  /** Frames late, duplicated or out of range within their own stream. */
  public long reorderedOrDuplicate() {
    return reorderedOrDuplicate;
  }

  /** Stream restarts (confirmed resynchronizations of a stream's sequence space). */
  public long resets() {
    return resets;
  }
}
