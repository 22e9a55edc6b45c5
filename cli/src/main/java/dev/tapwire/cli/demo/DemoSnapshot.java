package dev.tapwire.cli.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of every agent and of the collector read at one moment, and the numbers the demo
 * shows and checks, named after the metrics they come from.
 */
record DemoSnapshot(
    long atNs,
    List<DemoSource> sources,
    Map<String, MetricsSnapshot> agents,
    MetricsSnapshot collector) {
  static final String FILE_SINK = "file";
  static final String MIRROR_SINK = "mirror";

  private MetricsSnapshot agent(DemoSource s) {
    return agents.getOrDefault(s.name(), MetricsSnapshot.empty());
  }

  long captured(DemoSource s) {
    return agent(s).sum("tapwire_agent_frames_captured_total");
  }

  long sent(DemoSource s) {
    return agent(s).sum("tapwire_agent_frames_sent_total");
  }

  /** Agent drops after capture, by {@code stage/reason}, non-zero only. */
  Map<String, Long> agentDrops(DemoSource s) {
    return agent(s).nonZero("tapwire_agent_frames_dropped_total", "stage", "reason");
  }

  long agentDropTotal(DemoSource s) {
    return agent(s).sum("tapwire_agent_frames_dropped_total");
  }

  /** Frames lost before capture: the kernel ring and the interface. */
  long beforeCaptureDrops(DemoSource s) {
    return agent(s).sum("tapwire_agent_kernel_drops_total")
        + agent(s).sum("tapwire_agent_interface_drops_total");
  }

  long agentQueued(DemoSource s) {
    return agent(s).sum("tapwire_agent_queued_frames");
  }

  /** Frames of the source's streams the collector decoded. */
  long received(DemoSource s) {
    return collector.sum(
        "tapwire_collector_stream_frames_total", x -> s.ownsStream(x.label("stream")));
  }

  /** Frames of the source's streams lost in the network (sequence gaps). */
  long lost(DemoSource s) {
    return collector.sum(
        "tapwire_collector_stream_frames_missing", x -> s.ownsStream(x.label("stream")));
  }

  long decoded() {
    return collector.sum("tapwire_collector_frames_decoded_total");
  }

  long delivered(String sink) {
    return collector.sum("tapwire_collector_frames_delivered_total", "sink", sink);
  }

  /** Collector drops by {@code stage/reason}, non-zero only. */
  Map<String, Long> collectorDrops() {
    Map<String, Long> drops =
        new LinkedHashMap<>(
            collector.nonZero("tapwire_collector_frames_dropped_total", "stage", "reason"));
    collector
        .nonZero("tapwire_collector_packets_invalid_total", "reason")
        .forEach((r, n) -> drops.put("invalid/" + r, n));
    collector
        .nonZero("tapwire_collector_packets_skipped_total", "reason")
        .forEach((r, n) -> drops.put("skipped/" + r, n));
    return drops;
  }

  /** Frames dropped on the way to {@code sink}: its own drops, merge drops, decode queue full. */
  long droppedBefore(String sink) {
    return collector.sum("tapwire_collector_frames_dropped_total", "stage", sink)
        + collector.sum("tapwire_collector_frames_dropped_total", "stage", "merge")
        + collector.sum(
            "tapwire_collector_frames_dropped_total",
            x -> x.label("stage").equals("decode") && x.label("reason").equals("queue_full"));
  }

  long collectorQueued() {
    return collector.sum("tapwire_collector_queue_frames");
  }

  /** Agent books: {@code captured = sent + Σ drops} with nothing in flight. */
  boolean agentBalanced(DemoSource s) {
    return agentQueued(s) == 0 && captured(s) == sent(s) + agentDropTotal(s);
  }

  /** Network books: {@code sent = received + lost}. */
  boolean networkBalanced(DemoSource s) {
    return sent(s) == received(s) + lost(s);
  }

  /** Collector books per sink: {@code decoded = delivered + Σ drops on the way}, queues empty. */
  boolean collectorBalanced(String sink) {
    return collectorQueued() == 0 && decoded() == delivered(sink) + droppedBefore(sink);
  }

  /** Every equation holds for every source and both sinks. */
  boolean balanced() {
    for (DemoSource s : sources) {
      if (!agentBalanced(s) || !networkBalanced(s)) {
        return false;
      }
    }
    return collectorBalanced(FILE_SINK) && collectorBalanced(MIRROR_SINK);
  }

  /** The counters the books use, to tell two snapshots apart. */
  List<Long> fingerprint() {
    List<Long> f = new java.util.ArrayList<>();
    for (DemoSource s : sources) {
      f.addAll(List.of(captured(s), sent(s), agentDropTotal(s), received(s), lost(s)));
    }
    f.addAll(List.of(decoded(), delivered(FILE_SINK), delivered(MIRROR_SINK), collectorQueued()));
    return f;
  }
}
