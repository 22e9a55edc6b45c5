package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.stream.StreamDescriptor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Polices the mirror NIC to its link rate with a fair share per source stream: one token bucket per
 * stream, refilled by water-filling. The tokens the link earns in a time step ({@code rate x dt})
 * are split equally among the streams whose bucket is not full; what a bucket cannot hold (its
 * stream sends less than its share) goes to the others. A frame passes if its stream's bucket holds
 * its cost on the wire, else it is dropped ({@code reason="oversubscribed"}) and counted for its
 * stream.
 *
 * <p>Consequences: under overload each stream gets {@code min(its offered rate, fair share)}, where
 * the fair share is max-min fair (unused share is redistributed); the total admitted never exceeds
 * {@code rate x elapsed + one bucket depth per stream}; a frame's fate is decided at once, nothing
 * is held back (a policer, not a shaper). Cost on the wire: the frame padded to 60 bytes, plus 24
 * bytes of preamble, start delimiter, FCS and inter-frame gap.
 *
 * <p>Time is an argument ({@code nowNs}, monotonic): tests drive it. Worker thread only, except the
 * read-only {@link #streamStats()} and counters.
 */
public final class FairSharePolicer {
  /** Preamble (7) + start frame delimiter (1) + FCS (4) + inter-frame gap (12). */
  public static final int ETHERNET_OVERHEAD_BYTES = 24;

  /** Frames shorter than this (without FCS) are padded on the wire. */
  public static final int MIN_FRAME_BYTES = 60;

  /** Bucket depth never below two jumbo frames, so any frame can pass. */
  private static final long MIN_DEPTH_BITS = 2L * (9216 + ETHERNET_OVERHEAD_BYTES) * 8;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long MIN_RATE_BITS_PER_SECOND = 1_000;
  private static final long MAX_RATE_BITS_PER_SECOND = 400_000_000_000L;
  private static final long MAX_BURST_NS = 10_000_000L;
  private static final long ACTIVE_WINDOW_NS = NANOS_PER_SECOND;
  private static final long MAINTENANCE_PERIOD_NS = 100_000_000L;

  /** Largest product rate x dt kept in a long with room for a sum of a few. */
  private static final long MAX_REFILL_NANOBITS = 1L << 61;

  private final long rateBitsPerSecond;
  private final long depthNanobits;
  private final long maxRefillNs;
  private final int maxStreams;
  private final long idleExpiryNs;
  private final IdentityHashMap<StreamDescriptor, PolicedStream> byStream = new IdentityHashMap<>();
  private final List<PolicedStream> streams = new ArrayList<>();
  private final CopyOnWriteArrayList<PolicedStream> published = new CopyOnWriteArrayList<>();
  private final PolicedStream overflow;
  private PolicedStream[] notFull = new PolicedStream[16];
  private long lastRefillNs;
  private boolean started;
  private long nextMaintenanceNs;
  private volatile long fairShareBitsPerSecond;
  private volatile int activeStreams;

  /**
   * @param rateBitsPerSecond the link rate to police to
   * @param burstNs bucket depth of each stream, as time at the link rate (up to 10 ms; at least two
   *     jumbo frames)
   * @param maxStreams streams with their own bucket; later ones share one
   * @param idleExpiryNs a stream that offered nothing for this long is forgotten
   */
  public FairSharePolicer(long rateBitsPerSecond, long burstNs, int maxStreams, long idleExpiryNs) {
    if (rateBitsPerSecond < MIN_RATE_BITS_PER_SECOND
        || rateBitsPerSecond > MAX_RATE_BITS_PER_SECOND) {
      throw new IllegalArgumentException(
          "mirror rate must be 1 kbit/s..400 Gbit/s: " + rateBitsPerSecond + " bit/s");
    }
    if (burstNs < 1 || burstNs > MAX_BURST_NS || maxStreams < 1) {
      throw new IllegalArgumentException("need 0 < burstNs <= 10 ms and maxStreams >= 1");
    }
    this.rateBitsPerSecond = rateBitsPerSecond;
    // At most 400 Gbit/s x 10 ms = 4e9 bits: 4e18 nanobits still fit a long with a refill on top.
    long depthBits =
        Math.max(MIN_DEPTH_BITS, (long) ((double) rateBitsPerSecond * burstNs / NANOS_PER_SECOND));
    this.depthNanobits = depthBits * NANOS_PER_SECOND;
    this.maxRefillNs = MAX_REFILL_NANOBITS / rateBitsPerSecond;
    this.maxStreams = maxStreams;
    this.idleExpiryNs = idleExpiryNs;
    this.overflow = new PolicedStream(null, depthNanobits, 0);
    this.fairShareBitsPerSecond = rateBitsPerSecond;
  }

  /** Cost of a frame of {@code frameBytes} on the wire, in bits. */
  public static long wireBits(int frameBytes) {
    return (long) (Math.max(frameBytes, MIN_FRAME_BYTES) + ETHERNET_OVERHEAD_BYTES) * 8;
  }

  public long rateBitsPerSecond() {
    return rateBitsPerSecond;
  }

  /** Bucket depth of each stream, in bits. */
  public long depthBits() {
    return depthNanobits / NANOS_PER_SECOND;
  }

  /** The link rate divided by the streams that offered frames in the last second. */
  public long fairShareBitsPerSecond() {
    return fairShareBitsPerSecond;
  }

  /** Streams that offered frames in the last second. */
  public int activeStreams() {
    return activeStreams;
  }

  /** Adds the tokens earned since the last call, shared fairly. Call once per cycle. */
  public void refill(long nowNs) {
    if (!started) {
      started = true;
      lastRefillNs = nowNs;
      nextMaintenanceNs = nowNs + MAINTENANCE_PERIOD_NS;
      return;
    }
    long elapsedNs = nowNs - lastRefillNs;
    if (elapsedNs <= 0) {
      return;
    }
    lastRefillNs = nowNs;
    distribute(Math.min(elapsedNs, maxRefillNs) * rateBitsPerSecond);
    overflow.tokensNanobits = depthNanobits; // streams beyond the bound are not policed fairly
    if (nowNs - nextMaintenanceNs >= 0) {
      maintain(nowNs);
      nextMaintenanceNs = nowNs + MAINTENANCE_PERIOD_NS;
    }
  }

  /**
   * Decides whether a frame of {@code frameBytes} of {@code stream} may go out now, and counts it.
   */
  public boolean admit(StreamDescriptor stream, int frameBytes, long nowNs) {
    PolicedStream s = streamOf(stream, nowNs);
    s.lastOfferNs = nowNs;
    s.framesOffered = s.framesOffered + 1;
    long cost = wireBits(frameBytes) * NANOS_PER_SECOND;
    boolean admitted = s.tokensNanobits >= cost;
    if (admitted) {
      s.tokensNanobits -= cost;
      s.framesAdmitted = s.framesAdmitted + 1;
      s.bytesAdmitted = s.bytesAdmitted + frameBytes;
    } else {
      s.framesDroppedOversubscribed = s.framesDroppedOversubscribed + 1;
    }
    return admitted;
  }

  /** Counts an admitted frame of {@code stream} that the NIC then refused. */
  public void countNotSent(StreamDescriptor stream) {
    PolicedStream s = byStream.get(stream);
    if (s == null) {
      s = overflow;
    }
    s.framesNotSent = s.framesNotSent + 1;
  }

  /** Every stream's counters and state, the shared overflow entry last if it was used. */
  public List<MirrorStreamStats> streamStats() {
    long share = fairShareBitsPerSecond;
    List<MirrorStreamStats> stats = new ArrayList<>(published.size() + 1);
    for (PolicedStream s : published) {
      stats.add(s.snapshot(share));
    }
    if (overflow.framesOffered > 0) {
      stats.add(overflow.snapshot(share));
    }
    return stats;
  }

  /** Frames dropped as oversubscribed, all streams. */
  public long droppedOversubscribed() {
    long total = overflow.framesDroppedOversubscribed;
    for (PolicedStream s : published) {
      total += s.framesDroppedOversubscribed;
    }
    return total;
  }

  private PolicedStream streamOf(StreamDescriptor stream, long nowNs) {
    PolicedStream s = byStream.get(stream);
    if (s != null) {
      return s;
    }
    if (stream == null || streams.size() >= maxStreams) {
      return overflow;
    }
    s = new PolicedStream(stream, depthNanobits, nowNs); // a new stream may send a burst at once
    s.tokenBits = depthBits();
    byStream.put(stream, s);
    streams.add(s);
    published.add(s);
    if (notFull.length < streams.size()) {
      notFull = new PolicedStream[streams.size() * 2];
    }
    return s;
  }

  /** Water-filling: equal shares to the buckets with room, repeated with what overflowed. */
  private void distribute(long tokens) {
    int candidates = 0;
    for (int i = 0; i < streams.size(); i++) {
      PolicedStream s = streams.get(i);
      if (s.tokensNanobits < depthNanobits) {
        notFull[candidates++] = s;
      }
    }
    long remaining = tokens;
    while (remaining > 0 && candidates > 0) {
      long share = remaining / candidates;
      if (share == 0) {
        break; // less than a nanobit per stream: not worth a round
      }
      int stillNotFull = 0;
      long given = 0;
      for (int i = 0; i < candidates; i++) {
        PolicedStream s = notFull[i];
        long room = depthNanobits - s.tokensNanobits;
        if (room <= share) {
          s.tokensNanobits = depthNanobits;
          given += room;
        } else {
          s.tokensNanobits += share;
          given += share;
          notFull[stillNotFull++] = s;
        }
      }
      remaining -= given;
      if (stillNotFull == candidates) {
        break; // nobody filled up: every share was used
      }
      candidates = stillNotFull;
    }
    for (int i = 0; i < streams.size(); i++) {
      PolicedStream s = streams.get(i);
      s.tokenBits = s.tokensNanobits / NANOS_PER_SECOND;
    }
  }

  /** Forgets idle streams and updates the fair share estimate. */
  private void maintain(long nowNs) {
    int active = 0;
    for (int i = streams.size() - 1; i >= 0; i--) {
      PolicedStream s = streams.get(i);
      long idleNs = nowNs - s.lastOfferNs;
      if (idleNs >= idleExpiryNs) {
        streams.remove(i);
        byStream.remove(s.stream);
        published.remove(s);
      } else if (idleNs < ACTIVE_WINDOW_NS) {
        active++;
      }
    }
    activeStreams = active;
    fairShareBitsPerSecond = rateBitsPerSecond / Math.max(1, active);
  }
}
