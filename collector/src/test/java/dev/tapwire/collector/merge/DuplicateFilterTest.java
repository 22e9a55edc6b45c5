package dev.tapwire.collector.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.collector.testing.TestPackets;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class DuplicateFilterTest {
  private final FramePools pools = new FramePools(64, 4);

  private Frame frame(StreamDescriptor stream, long captureTimeNs, byte[] inner) {
    Frame frame = pools.take(inner.length);
    frame.buffer().setBytes(0, inner);
    frame.innerLength = inner.length;
    frame.innerLinkType = 1;
    frame.captureTimeNs = captureTimeNs;
    frame.stream = stream;
    return frame;
  }

  @Test
  void theHashIgnoresTtlAndChecksumsOnly() {
    FrameHasher hasher = new FrameHasher();
    byte[] a = TestPackets.ethernetFrame(1, 64, 30);
    byte[] b = TestPackets.ethernetFrame(1, 61, 30); // TTL, IP and UDP checksum differ
    byte[] c = a.clone();
    c[c.length - 1] ^= 1; // one payload bit
    byte[] d = a.clone();
    d[0] ^= 1; // a MAC address bit
    long ha = hasher.hash(Unpooled.wrappedBuffer(a), 0, a.length, 1);
    assertThat(hasher.hash(Unpooled.wrappedBuffer(b), 0, b.length, 1)).isEqualTo(ha);
    assertThat(hasher.hash(Unpooled.wrappedBuffer(c), 0, c.length, 1)).isNotEqualTo(ha);
    assertThat(hasher.hash(Unpooled.wrappedBuffer(d), 0, d.length, 1)).isNotEqualTo(ha);
    // As a raw IPv4 frame (link type 228) the same masking applies.
    long ra = hasher.hash(Unpooled.wrappedBuffer(a), 14, a.length - 14, 228);
    assertThat(hasher.hash(Unpooled.wrappedBuffer(b), 14, b.length - 14, 228)).isEqualTo(ra);
  }

  @Test
  void failsOpenAndCountsWhenTheTableIsFull() {
    DuplicateFilter filter = new DuplicateFilter(16, 1_000_000);
    StreamDescriptor a = MergeStageTest.stream(1);
    StreamDescriptor b = MergeStageTest.stream(2);
    int remembered = 0;
    for (int i = 0; i < 40; i++) {
      Frame f = frame(a, 100 + i, TestPackets.ethernetFrame(i, 64, 10));
      assertThat(filter.isDuplicate(f)).isFalse();
      f.release();
      remembered = i + 1;
    }
    assertThat(remembered).isEqualTo(40);
    assertThat(filter.tableFull()).isGreaterThanOrEqualTo(40 - 16).isLessThan(40);
    // Entries outside the window are free again: a later frame is remembered and matched.
    Frame later = frame(a, 10_000_000, TestPackets.ethernetFrame(99, 64, 10));
    assertThat(filter.isDuplicate(later)).isFalse();
    Frame copy = frame(b, 10_000_001, TestPackets.ethernetFrame(99, 60, 10));
    assertThat(filter.isDuplicate(copy)).isTrue();
    later.release();
    copy.release();
  }
}
