package dev.tapwire.collector.sink.file;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** A wall clock (epoch ns, for file names) and a monotonic clock (for timing), moved together. */
final class FakeClocks {
  long epochNs;
  long nowNs = 1_000_000_000L;

  FakeClocks(String startInstant) {
    Instant start = Instant.parse(startInstant);
    epochNs = start.getEpochSecond() * 1_000_000_000L + start.getNano();
  }

  long epochNs() {
    return epochNs;
  }

  void advanceMillis(long millis) {
    long ns = TimeUnit.MILLISECONDS.toNanos(millis);
    epochNs += ns;
    nowNs += ns;
  }
}
