package dev.tapwire.bench.latency;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Pairs each delivered frame with the same frame where it was captured (equal bytes; the earliest
 * unpaired capture of those bytes, so that repeating content pairs in order) and records the
 * difference of the two capture times. Both captures must be taken on one host clock.
 */
final class LatencyMatcher {
  /** Latencies from 1 ns to 60 s, 3 significant digits. */
  private static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

  private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
  private long unmatchedDelivered;
  private long negative;
  private long captured;

  /** Pairs every frame of {@code delivered} with one of {@code source}. */
  LatencyMatcher match(CaptureTimes source, CaptureTimes delivered) {
    Map<ByteBuffer, ArrayDeque<Long>> pending = new HashMap<>();
    for (int i = 0; i < source.frames().size(); i++) {
      pending
          .computeIfAbsent(source.frames().get(i), k -> new ArrayDeque<>())
          .addLast(source.timestampsNs()[i]);
    }
    captured += source.frames().size();
    for (int i = 0; i < delivered.frames().size(); i++) {
      ArrayDeque<Long> times = pending.get(delivered.frames().get(i));
      if (times == null || times.isEmpty()) {
        unmatchedDelivered++;
        continue;
      }
      long latencyNs = delivered.timestampsNs()[i] - times.pollFirst();
      if (latencyNs < 0) {
        negative++;
        continue;
      }
      histogram.recordValue(Math.max(1, Math.min(latencyNs, HIGHEST_TRACKABLE_NS)));
    }
    return this;
  }

  /** One JSON object: counts and p50/p99/p99.9/max in microseconds. */
  String json() {
    return String.format(
        java.util.Locale.ROOT,
        "{\"captured\": %d, \"matched\": %d, \"unmatched_delivered\": %d, \"negative\": %d,"
            + " \"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f, \"max_us\": %.1f}",
        captured,
        histogram.getTotalCount(),
        unmatchedDelivered,
        negative,
        micros(50),
        micros(99),
        micros(99.9),
        histogram.getTotalCount() == 0 ? 0.0 : histogram.getMaxValue() / 1_000.0);
  }

  long matched() {
    return histogram.getTotalCount();
  }

  long unmatchedDelivered() {
    return unmatchedDelivered;
  }

  double micros(double percentile) {
    return histogram.getTotalCount() == 0
        ? 0.0
        : histogram.getValueAtPercentile(percentile) / 1_000.0;
  }
}
