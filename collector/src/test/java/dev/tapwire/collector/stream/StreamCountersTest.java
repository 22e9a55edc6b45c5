package dev.tapwire.collector.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamCountersTest {
  @Test
  void countsFramesBytesTruncationAndNetLoss() {
    StreamCounters c = new StreamCounters();
    c.countFrame(100, false, 1_000);
    c.countFrame(60, true, 2_000);
    c.countLoss(3);
    c.countLoss(-1); // a late frame fills part of the gap
    c.countLoss(0);

    assertThat(c.frames()).isEqualTo(2);
    assertThat(c.bytes()).isEqualTo(160);
    assertThat(c.truncatedFrames()).isEqualTo(1);
    assertThat(c.firstSeenNs()).isEqualTo(1_000);
    assertThat(c.lastSeenNs()).isEqualTo(2_000);
    assertThat(c.gapEvents()).isEqualTo(1);
    assertThat(c.framesLost()).isEqualTo(2);
  }
}
