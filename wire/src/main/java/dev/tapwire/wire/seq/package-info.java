/**
 * Network loss from GRE sequence numbers (RFC 2890 §2.2), with 32-bit serial arithmetic (RFC 1982).
 *
 * <h2>Two kinds of senders</h2>
 *
 * <p>Some senders keep one sequence counter per ERSPAN session; others share one counter across all
 * their sessions. One packet does not tell them apart, and a wrong guess is expensive: counting
 * gaps per session on a shared counter reports every other session's packets as lost, and counting
 * per source on per-session counters reports the distance between unrelated counters as lost.
 * Neither may report loss that did not happen.
 *
 * <h2>The min rule</h2>
 *
 * <p>{@link dev.tapwire.wire.seq.SequenceAccounting} keeps one {@link
 * dev.tapwire.wire.seq.SequenceTracker} per source (outer source, outer destination, GRE protocol)
 * and is given the tracker of the packet's stream (the same key plus the session). Each sequence
 * number is placed in both spaces. A gap is a distance of 2..2^31 - 1 from the highest number seen
 * (the wrap from 0xffffffff to 0 is an ordinary step; exactly 2^31 is never "after"). When both
 * spaces skipped numbers (stream gap {@code g_stream}, source gap {@code g_source}), the packet
 * reveals {@code min(g_stream, g_source)} missing frames. If either space is contiguous, or has no
 * baseline (first packet of a stream or source, or after a restart), it reveals none. If the number
 * is not after the source's highest (already seen there, or out of range), only the stream can
 * judge and its gap is used.
 *
 * <p>Why this cannot report false loss (frames in order, no duplicates): with per-session counters
 * the stream gap is exactly the loss in that stream and the result never exceeds it. With a shared
 * counter the source gap is exactly the loss between two consecutive packets of the source; the
 * stream gap is at least as large (it also spans the other sessions' numbers), and the result never
 * exceeds the source gap. A lossless packet is contiguous in the space that matches its sender, so
 * the min is zero. Taking the smaller of two upper bounds can only undercount, for example with
 * per-session counters whose source gap happens to be smaller than the true stream gap.
 *
 * <h2>Reordering and duplicates</h2>
 *
 * <p>Each tracker remembers a window of {@link dev.tapwire.wire.seq.SequenceTracker#REORDER_WINDOW}
 * numbers behind its highest: which were seen and which were counted missing. Duplicates are
 * recognized and never counted. A late frame whose number was counted missing is counted as {@code
 * recovered}, so the net loss ({@code missing - recovered}) returns to zero once reordered frames
 * arrive; recovery never exceeds what was counted.
 *
 * <p>Two refinements keep reordering from defeating the min rule (each was found as a
 * counter-example to the plain rule, and is tested):
 *
 * <ul>
 *   <li>A stream gap on a number that the source space skipped earlier (source says "late") is
 *       ambiguous: with per-session counters it is loss, with a shared counter the skipped numbers
 *       belong to other sessions that may be on their way. Only the skipped numbers the source
 *       space has neither seen nor counted are counted, and they are marked in the source space
 *       too, so they are recovered if they turn up in any stream.
 *   <li>Each source weighs evidence of independent counters (a stream in order while the source
 *       space saw that number already, skipped ahead to it, or is far from it; none of these happen
 *       with a shared counter, even reordered) against evidence of a shared counter (a stream gap
 *       while the source space is in order). Once the evidence for independent counters is clear,
 *       the stream space alone is used, and another session's identical number no longer recovers
 *       this stream's loss. Until then, the min rule applies.
 * </ul>
 *
 * <h2>Restarts and odd senders</h2>
 *
 * <p>A number far behind the window, or further ahead than {@code maxGap}, is out of range; a
 * second such number in sequence with the first confirms a restart, which resynchronizes the
 * tracker and counts a reset, never loss. A single straggler never moves the baseline. A constant
 * sequence number (one synthetic source sends 0 forever) is a run of duplicates.
 *
 * <p>Limits: frames reordered by more than the window are not recognized as late; loss revealed
 * only by the first packet of a stream is not counted; while the evidence is unclear, per-session
 * senders may be undercounted.
 *
 * <p>The classes are pure: no maps, clocks or allocation after construction. The caller owns one
 * {@code SequenceAccounting} per source and one {@code SequenceTracker} per stream.
 */
package dev.tapwire.wire.seq;
