package dev.tapwire.collector.receive.grpc;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The gRPC transport's own metrics; its frames, bytes and drops are those of the receiver {@code
 * grpc} in the collector's receive metrics.
 */
public final class GrpcIngressMetrics {
  private GrpcIngressMetrics() {}

  public static void register(PrometheusRegistry registry, GrpcIngressCounters counters) {
    CounterWithCallback.builder()
        .name("tapwire_collector_grpc_batches_received_total")
        .help("Frame batches received on gRPC streams.")
        .callback(cb -> cb.call(counters.batches.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_collector_grpc_batch_gaps_total")
        .help("Batches whose batch_sequence skipped numbers (frames lost are in frames_lost).")
        .callback(cb -> cb.call(counters.batchGaps.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_collector_grpc_frames_invalid_total")
        .help("Frames of gRPC batches refused as malformed, by reason.")
        .labelNames("reason")
        .callback(
            cb -> {
              for (GrpcInvalidReason reason : GrpcInvalidReason.values()) {
                cb.call(counters.invalid.get(reason.ordinal()), reason.label());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_collector_grpc_frames_refused_stopping_total")
        .help("Frames of gRPC batches refused because the collector was stopping.")
        .callback(cb -> cb.call(counters.refusedStopping.get()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_collector_grpc_stream_pauses_total")
        .help("Times a gRPC stream stopped reading because the queue to decode was nearly full.")
        .callback(cb -> cb.call(counters.pauses.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tapwire_collector_grpc_streams")
        .help("gRPC frame streams open now.")
        .callback(cb -> cb.call(counters.openStreams.get()))
        .register(registry);
  }
}
