package dev.tapwire.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSnapshotTest {
  private static final String TEXT =
      """
      # HELP tapwire_agent_frames_dropped_total Captured frames not sent, by stage and reason
      # TYPE tapwire_agent_frames_dropped_total counter
      tapwire_agent_frames_dropped_total{stage="capture",reason="queue_full"} 3.0
      tapwire_agent_frames_dropped_total{stage="capture",reason="sampled_out"} 0.0
      tapwire_agent_frames_dropped_total{stage="send",reason="send_error"} 2.0
      tapwire_agent_frames_sent_total 1234.0
      tapwire_collector_stream_frames_total{stream="198.18.11.1/erspan_iii-1",id="1"} 10.0
      tapwire_collector_stream_frames_total{stream="198.18.12.1/erspan_iii-1",id="1"} 20.0
      tapwire_collector_stream_frames_total{stream="odd \\"quoted\\" name",id="7"} 1.0
      tapwire_process_start_time_seconds 1.7648357771E9
      not a sample line
      """;

  @Test
  void sumsByNameAndLabels() {
    MetricsSnapshot m = MetricsSnapshot.parse(TEXT);
    assertThat(m.sum("tapwire_agent_frames_sent_total")).isEqualTo(1234);
    assertThat(m.sum("tapwire_agent_frames_dropped_total")).isEqualTo(5);
    assertThat(m.sum("tapwire_agent_frames_dropped_total", "stage", "capture")).isEqualTo(3);
    assertThat(
            m.sum(
                "tapwire_collector_stream_frames_total",
                s -> s.label("stream").startsWith("198.18.12.1/")))
        .isEqualTo(20);
    assertThat(m.sum("tapwire_process_start_time_seconds")).isEqualTo(1_764_835_777L);
    assertThat(m.sum("no_such_metric")).isZero();
  }

  @Test
  void nonZeroKeysByLabelValues() {
    MetricsSnapshot m = MetricsSnapshot.parse(TEXT);
    assertThat(m.nonZero("tapwire_agent_frames_dropped_total", "stage", "reason"))
        .containsExactly(Map.entry("capture/queue_full", 3L), Map.entry("send/send_error", 2L));
  }

  @Test
  void unescapesLabelValues() {
    MetricsSnapshot m = MetricsSnapshot.parse(TEXT);
    assertThat(m.samples())
        .anySatisfy(s -> assertThat(s.label("stream")).isEqualTo("odd \"quoted\" name"));
  }

  @Test
  void nothingToReadIsEmpty() {
    assertThat(MetricsSnapshot.parse(null).samples()).isEmpty();
    assertThat(MetricsSnapshot.parse("").sum("x")).isZero();
  }
}
