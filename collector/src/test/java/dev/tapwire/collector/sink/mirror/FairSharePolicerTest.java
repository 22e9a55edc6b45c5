package dev.tapwire.collector.sink.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The policer with a fake clock: sources offer frames at fixed rates, interleaved in time as the
 * merge stage would hand them over, for 10 s of simulated time in 100 µs cycles.
 */
class FairSharePolicerTest {
  private static final long RATE_BPS = 10_000_000;
  private static final long CYCLE_NS = 100_000;
  private static final long DURATION_NS = TimeUnit.SECONDS.toNanos(10);
  private static final long BURST_NS = TimeUnit.MILLISECONDS.toNanos(2);

  /** A source offering frames of one size at a rate, in wire bits per second. */
  private static final class Source {
    final StreamDescriptor stream;
    final int frameBytes;
    final double framesPerNs;
    double due;
    long offered;
    long admitted;
    long dropped;

    Source(int id, int frameBytes, double offeredWireBitsPerSecond) {
      this.stream = SinkTestFrames.stream(id, "198.18.1." + id, id);
      this.frameBytes = frameBytes;
      this.framesPerNs = offeredWireBitsPerSecond / FairSharePolicer.wireBits(frameBytes) / 1e9;
    }

    long admittedWireBits() {
      return admitted * FairSharePolicer.wireBits(frameBytes);
    }
  }

  private static FairSharePolicer policer() {
    return new FairSharePolicer(RATE_BPS, BURST_NS, 64, TimeUnit.SECONDS.toNanos(30));
  }

  /** Runs the sources against {@code policer}; each cycle, sources take turns frame by frame. */
  private static void run(FairSharePolicer policer, List<Source> sources, long durationNs) {
    for (long now = 0; now < durationNs; now += CYCLE_NS) {
      policer.refill(now);
      for (Source s : sources) {
        s.due += s.framesPerNs * CYCLE_NS;
      }
      boolean any = true;
      while (any) {
        any = false;
        for (Source s : sources) {
          if (s.due >= 1) {
            s.due -= 1;
            s.offered++;
            if (policer.admit(s.stream, s.frameBytes, now)) {
              s.admitted++;
            } else {
              s.dropped++;
            }
            any = true;
          }
        }
      }
    }
  }

  private static void assertAccounting(FairSharePolicer policer, List<Source> sources) {
    List<MirrorStreamStats> stats = policer.streamStats();
    assertThat(stats).hasSize(sources.size());
    for (Source s : sources) {
      assertThat(s.offered).isEqualTo(s.admitted + s.dropped);
      MirrorStreamStats st =
          stats.stream().filter(x -> x.stream() == s.stream).findFirst().orElseThrow();
      assertThat(st.framesOffered()).isEqualTo(s.offered);
      assertThat(st.framesAdmitted()).isEqualTo(s.admitted);
      assertThat(st.framesDroppedOversubscribed()).isEqualTo(s.dropped);
      assertThat(st.bytesAdmitted()).isEqualTo(s.admitted * s.frameBytes);
    }
    long total = sources.stream().mapToLong(Source::admittedWireBits).sum();
    long depthBits = policer.depthBits();
    assertThat(total)
        .as("never more than the link rate plus one burst per stream")
        .isLessThanOrEqualTo(RATE_BPS * DURATION_NS / 1_000_000_000L + sources.size() * depthBits);
  }

  @Test
  void twoSourcesAtTenTimesTheRateGetHalfEach() {
    List<Source> sources =
        List.of(new Source(1, 1000, 5 * RATE_BPS), new Source(2, 1000, 5 * RATE_BPS));
    FairSharePolicer policer = policer();
    run(policer, sources, DURATION_NS);
    double share = RATE_BPS * 10.0 / 2;
    for (Source s : sources) {
      assertThat((double) s.admittedWireBits()).isCloseTo(share, within(share * 0.05));
      assertThat(s.dropped).isPositive();
    }
    assertAccounting(policer, sources);
    assertThat(policer.fairShareBitsPerSecond()).isEqualTo(RATE_BPS / 2);
    assertThat(policer.activeStreams()).isEqualTo(2);
  }

  @Test
  void threeSourcesAtTenTimesTheRateGetAThirdEach() {
    List<Source> sources = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      sources.add(new Source(i, 700 + 300 * i, 10.0 * RATE_BPS / 3));
    }
    FairSharePolicer policer = policer();
    run(policer, sources, DURATION_NS);
    double share = RATE_BPS * 10.0 / 3;
    for (Source s : sources) {
      assertThat((double) s.admittedWireBits())
          .as("source %s", s.stream.source())
          .isCloseTo(share, within(share * 0.05));
    }
    assertAccounting(policer, sources);
  }

  @Test
  void unequalOfferedRatesGetTheSameWireShare() {
    // Small frames and large frames, both far above their share: fairness is in bits, not frames.
    List<Source> sources =
        List.of(new Source(1, 64, 8 * RATE_BPS), new Source(2, 1514, 2 * RATE_BPS));
    FairSharePolicer policer = policer();
    run(policer, sources, DURATION_NS);
    double share = RATE_BPS * 10.0 / 2;
    for (Source s : sources) {
      assertThat((double) s.admittedWireBits()).isCloseTo(share, within(share * 0.05));
    }
    assertAccounting(policer, sources);
  }

  @Test
  void aShareALightSourceDoesNotUseGoesToTheOthers() {
    Source light = new Source(1, 500, 0.2 * RATE_BPS);
    Source heavy = new Source(2, 1000, 10 * RATE_BPS);
    List<Source> sources = List.of(light, heavy);
    FairSharePolicer policer = policer();
    run(policer, sources, DURATION_NS);
    assertThat(light.dropped).as("below its share: nothing dropped").isZero();
    double rest = RATE_BPS * 10.0 * 0.8;
    assertThat((double) heavy.admittedWireBits()).isCloseTo(rest, within(rest * 0.05));
    assertAccounting(policer, sources);
  }

  @Test
  void belowTheRateNothingIsDropped() {
    List<Source> sources =
        List.of(new Source(1, 1514, 0.45 * RATE_BPS), new Source(2, 60, 0.45 * RATE_BPS));
    FairSharePolicer policer = policer();
    run(policer, sources, DURATION_NS);
    for (Source s : sources) {
      assertThat(s.dropped).isZero();
      assertThat(s.admitted).isPositive();
    }
  }

  @Test
  void wireCostIncludesPaddingPreambleFcsAndGap() {
    assertThat(FairSharePolicer.wireBits(42)).isEqualTo((60 + 24) * 8);
    assertThat(FairSharePolicer.wireBits(60)).isEqualTo((60 + 24) * 8);
    assertThat(FairSharePolicer.wireBits(1514)).isEqualTo((1514 + 24) * 8);
  }

  @Test
  void idleStreamsAreForgottenAndStreamsBeyondTheBoundShareOneEntry() {
    FairSharePolicer policer =
        new FairSharePolicer(RATE_BPS, BURST_NS, 2, TimeUnit.SECONDS.toNanos(1));
    StreamDescriptor a = SinkTestFrames.stream(1, "198.18.1.1", 1);
    StreamDescriptor b = SinkTestFrames.stream(2, "198.18.1.2", 2);
    StreamDescriptor c = SinkTestFrames.stream(3, "198.18.1.3", 3);
    policer.refill(0);
    assertThat(policer.admit(a, 100, 0)).isTrue();
    assertThat(policer.admit(b, 100, 0)).isTrue();
    assertThat(policer.admit(c, 100, 0)).isTrue(); // beyond the bound: shared entry
    assertThat(policer.streamStats())
        .extracting(MirrorStreamStats::stream)
        .containsExactly(a, b, null);
    for (long now = 0;
        now <= TimeUnit.SECONDS.toNanos(2);
        now += TimeUnit.MILLISECONDS.toNanos(100)) {
      policer.refill(now);
      policer.admit(a, 100, now);
    }
    assertThat(policer.streamStats())
        .extracting(MirrorStreamStats::stream)
        .containsExactly(a, null);
  }
}
