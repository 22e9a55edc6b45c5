package dev.tapwire.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureComparisonTest {
  private static FrameDigests.Frame f(String hash) {
    return new FrameDigests.Frame(hash, "");
  }

  private static Map<String, List<FrameDigests.Frame>> sources() {
    Map<String, List<FrameDigests.Frame>> sources = new LinkedHashMap<>();
    sources.put("sw1", List.of(f("a"), f("b"), f("b")));
    sources.put("sw2", List.of(f("c"), f("b")));
    return sources;
  }

  @Test
  void everyDeliveredFrameIsMatchedOnceAndAttributed() {
    CaptureComparison c = new CaptureComparison(sources()).match(List.of(f("c"), f("a"), f("b")));
    assertThat(c.matched()).isEqualTo(3);
    assertThat(c.unmatched()).isZero();
    assertThat(c.matched("sw1")).isEqualTo(2);
    assertThat(c.matched("sw2")).isEqualTo(1);
  }

  @Test
  void aFrameNoSourceHoldsIsUnmatched() {
    CaptureComparison c = new CaptureComparison(sources()).match(List.of(f("a"), f("z")));
    assertThat(c.matched()).isEqualTo(1);
    assertThat(c.unmatched()).isEqualTo(1);
  }

  @Test
  void aMultisetNotASet() {
    // "a" was captured once: a second delivered copy was not captured anywhere.
    CaptureComparison c = new CaptureComparison(sources()).match(List.of(f("a"), f("a")));
    assertThat(c.unmatched()).isEqualTo(1);
    // "b" was captured three times, at both sources.
    CaptureComparison b =
        new CaptureComparison(sources()).match(List.of(f("b"), f("b"), f("b"), f("b")));
    assertThat(b.matched()).isEqualTo(3);
    assertThat(b.unmatched()).isEqualTo(1);
    assertThat(b.matched("sw1") + b.matched("sw2")).isEqualTo(3);
  }
}
