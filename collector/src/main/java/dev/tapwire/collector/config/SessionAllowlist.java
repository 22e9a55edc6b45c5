package dev.tapwire.collector.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tunnel stream ids (ERSPAN session, VXLAN VNI, GRE key) the collector accepts; empty means
 * every stream. When it is not empty, a frame without a stream id (ERSPAN Type I, GRE-TEB without a
 * key) is not in it.
 */
public final class SessionAllowlist {
  /** Accepts every stream. */
  public static final SessionAllowlist ANY = new SessionAllowlist(List.of());

  // Merged, sorted, disjoint ranges: a binary search finds an id without allocating.
  private final long[] firsts;
  private final long[] lasts;
  private final String text;

  public SessionAllowlist(List<SessionRange> ranges) {
    List<SessionRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(SessionRange::first));
    List<long[]> merged = new ArrayList<>();
    for (SessionRange r : sorted) {
      long[] previous = merged.isEmpty() ? null : merged.getLast();
      if (previous != null && r.first() <= previous[1] + 1) {
        previous[1] = Math.max(previous[1], r.last());
      } else {
        merged.add(new long[] {r.first(), r.last()});
      }
    }
    firsts = new long[merged.size()];
    lasts = new long[merged.size()];
    for (int i = 0; i < merged.size(); i++) {
      firsts[i] = merged.get(i)[0];
      lasts[i] = merged.get(i)[1];
    }
    text =
        merged.isEmpty()
            ? "any"
            : String.join(
                ", ", merged.stream().map(m -> new SessionRange(m[0], m[1]).toString()).toList());
  }

  public boolean allowsAll() {
    return firsts.length == 0;
  }

  /** True when a frame of stream {@code streamId} (-1: none) may pass. Allocation-free. */
  public boolean allows(long streamId) {
    if (firsts.length == 0) {
      return true;
    }
    int low = 0;
    int high = firsts.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (streamId < firsts[mid]) {
        high = mid - 1;
      } else if (streamId > lasts[mid]) {
        low = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }
}
