package dev.tapwire.agent.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Every agent metric, declared once. Values are plain counters written by the data-path threads
 * ({@link CaptureCounters}, {@link SendCounters}) and read here at scrape time.
 *
 * <p>The books: {@code frames_captured_total = frames_sent_total + Σ frames_dropped_total + frames
 * in flight}. Kernel and interface drops happen before capture and are outside that equation.
 */
public final class AgentMetrics {
  public static final String STAGE_CAPTURE = "capture";
  public static final String STAGE_SEND = "send";

  private final List<CaptureCounters> captures;
  private final SendCounters send;

  public AgentMetrics(List<CaptureCounters> captures, SendCounters send) {
    this.captures = List.copyOf(captures);
    this.send = send;
  }

  /**
   * Registers the metrics.
   *
   * @param queuedFrames frames waiting in the hand-off of interface {@code i}
   * @param timestampResolutionNs 1 (nanoseconds) or 1000 (microseconds) for interface {@code i}
   */
  public void register(
      PrometheusRegistry registry,
      ToIntFunction<Integer> queuedFrames,
      ToIntFunction<Integer> timestampResolutionNs) {
    CounterWithCallback.builder()
        .name("tapwire_agent_frames_captured_total")
        .help("Frames libpcap handed to the agent (after the BPF filter), per interface")
        .labelNames("interface")
        .callback(cb -> captures.forEach(c -> cb.call(c.captured.get(), c.interfaceName())))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_frames_sent_total")
        .help("Tunnel packets the kernel accepted for sending to the collector")
        .callback(cb -> cb.call(send.sent.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_ring_frames_sent_total")
        .help("Of those, the packets sent through the transmit ring (the rest: the raw IP socket)")
        .callback(cb -> cb.call(send.sentByRing.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_bytes_sent_total")
        .help("Bytes of those packets from the tunnel header on (outer IP header not included)")
        .callback(cb -> cb.call(send.bytesSent.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_frames_dropped_total")
        .help("Captured frames not sent, by stage and reason")
        .labelNames("stage", "reason")
        .callback(
            cb -> {
              cb.call(sum(c -> c.sampledOut.get()), STAGE_CAPTURE, "sampled_out");
              cb.call(sum(c -> c.queueFull.get()), STAGE_CAPTURE, "queue_full");
              cb.call(send.rateLimited.get(), STAGE_SEND, "rate_limited");
              cb.call(send.sendError.get(), STAGE_SEND, "send_error");
              cb.call(send.streamFull.get(), STAGE_SEND, "stream_full");
              cb.call(send.collectorUnreachable.get(), STAGE_SEND, "collector_unreachable");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_kernel_drops_total")
        .help("Frames the kernel dropped because the capture buffer was full (pcap_stats ps_drop)")
        .labelNames("interface")
        .callback(cb -> captures.forEach(c -> cb.call(c.kernelDrops.get(), c.interfaceName())))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_interface_drops_total")
        .help("Frames the interface or driver dropped (pcap_stats ps_ifdrop)")
        .labelNames("interface")
        .callback(cb -> captures.forEach(c -> cb.call(c.interfaceDrops.get(), c.interfaceName())))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_frames_truncated_total")
        .help("Frames sent with fewer bytes than on the wire (snap length or path MTU)")
        .callback(cb -> cb.call(send.truncated.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_frames_oversize_total")
        .help("Frames whose tunnel packet would exceed the path MTU (truncated or fragmented)")
        .callback(cb -> cb.call(send.oversize.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_capture_reopens_total")
        .help("Times a policy change replaced an interface's capture handle, per interface")
        .labelNames("interface")
        .callback(cb -> captures.forEach(c -> cb.call(c.reopens.get(), c.interfaceName())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tapwire_agent_queued_frames")
        .help("Frames waiting between capture and send, per interface")
        .labelNames("interface")
        .callback(
            cb -> {
              for (int i = 0; i < captures.size(); i++) {
                cb.call(queuedFrames.applyAsInt(i), captures.get(i).interfaceName());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("tapwire_agent_timestamp_resolution_seconds")
        .help("Resolution of the capture timestamps libpcap delivers, per interface")
        .labelNames("interface")
        .callback(
            cb -> {
              for (int i = 0; i < captures.size(); i++) {
                cb.call(timestampResolutionNs.applyAsInt(i) / 1e9, captures.get(i).interfaceName());
              }
            })
        .register(registry);
  }

  /** Tunnel packets sent through the transmit ring so far (of {@link AgentTotals#sent}). */
  public long sentByRing() {
    return send.sentByRing.get();
  }

  /** The counters of each captured interface, in order. */
  public List<CaptureCounters> captures() {
    return captures;
  }

  /** The send stage's counters. */
  public SendCounters send() {
    return send;
  }

  /** Totals for the books, read now. */
  public AgentTotals totals(long inFlightFrames) {
    return new AgentTotals(
        sum(c -> c.captured.get()),
        send.sent.get(),
        sum(c -> c.sampledOut.get()),
        sum(c -> c.queueFull.get()),
        send.rateLimited.get(),
        send.sendError.get(),
        send.streamFull.get(),
        send.collectorUnreachable.get(),
        send.truncated.get(),
        send.oversize.get(),
        sum(c -> c.kernelDrops.get()),
        inFlightFrames);
  }

  private long sum(java.util.function.ToLongFunction<CaptureCounters> field) {
    long total = 0;
    for (CaptureCounters c : captures) {
      total += field.applyAsLong(c);
    }
    return total;
  }
}
