package dev.tapwire.agent.encap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class RateAndSamplingTest {
  @Test
  void oneInNKeepsExactlyTheShare() {
    OneInNSampler sampler = new OneInNSampler(7);
    int kept = 0;
    for (int i = 0; i < 7_000; i++) {
      if (sampler.keep()) {
        kept++;
      }
    }
    assertThat(kept).isEqualTo(1_000);
    assertThat(new OneInNSampler(1).keep()).isTrue();
  }

  @Test
  void packetLimitPassesTheRateAfterTheBurst() {
    RateLimiter limiter = new RateLimiter(0, 10_000, 1500); // burst max(100, 64) = 100
    long passed = 0;
    // Offer 100k packets/s for one second, in 1 µs steps of 10 packets per 100 µs.
    for (long t = 0; t < 1_000_000_000L; t += 10_000) {
      if (limiter.tryAcquire(100, t)) {
        passed++;
      }
    }
    assertThat(passed).isBetween(10_000L, 10_100L);
  }

  @Test
  void bitLimitCountsPacketBytes() {
    RateLimiter limiter = new RateLimiter(8_000_000, 0, 1000); // 1 MB/s, burst 64 kB
    long bytes = 0;
    for (long t = 0; t < 2_000_000_000L; t += 1_000) { // a 1000-byte packet every µs: 1 GB/s
      if (limiter.tryAcquire(1000, t)) {
        bytes += 1000;
      }
    }
    assertThat(bytes).isBetween(2_000_000L, 2_000_000L + 64_000 + 1000);
  }

  @Test
  void bothLimitsMustAllowAndOnlyThenBothAreCharged() {
    RateLimiter limiter = new RateLimiter(8_000, 1_000_000, 100); // 1000 bytes/s, burst 6400 B
    int passed = 0;
    for (int i = 0; i < 1000; i++) {
      if (limiter.tryAcquire(100, 0)) {
        passed++;
      }
    }
    assertThat(passed).isEqualTo(64);
    assertThat(limiter.tryAcquire(100, 200_000_000L)).as("200 bytes accrued in 0.2 s").isTrue();
  }

  @Test
  void tokenBucketTimeIsAnArgument() {
    TokenBucket bucket = new TokenBucket(1000, 10);
    bucket.refill(5);
    assertThat(bucket.has(10)).isTrue();
    bucket.take(10);
    bucket.refill(5 + 4_500_000); // 4.5 ms: 4.5 tokens
    assertThat(bucket.has(4)).isTrue();
    assertThat(bucket.has(5)).isFalse();
  }

  @Test
  void flowHashIsSymmetricAndSpreads() {
    byte[] ab = dev.tapwire.agent.TestFrames.udpFrame(100, 1);
    byte[] ba = ab.clone();
    swap(ba, 14 + 12, 14 + 16, 4); // IPv4 addresses
    swap(ba, 14 + 20, 14 + 22, 2); // UDP ports
    int forward = FlowHash.sourcePort(MemorySegment.ofArray(ab), ab.length);
    assertThat(FlowHash.sourcePort(MemorySegment.ofArray(ba), ba.length)).isEqualTo(forward);
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (int n = 0; n < 200; n++) {
      byte[] frame = dev.tapwire.agent.TestFrames.udpFrame(100, n);
      ports.add(FlowHash.sourcePort(MemorySegment.ofArray(frame), frame.length));
    }
    assertThat(ports.size()).as("200 flows spread over the port range").isGreaterThan(150);
  }

  private static void swap(byte[] bytes, int a, int b, int length) {
    for (int i = 0; i < length; i++) {
      byte t = bytes[a + i];
      bytes[a + i] = bytes[b + i];
      bytes[b + i] = t;
    }
  }
}
