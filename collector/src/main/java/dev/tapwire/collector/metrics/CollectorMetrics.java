package dev.tapwire.collector.metrics;

import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.merge.MergeCounters;
import dev.tapwire.collector.merge.MergeStage;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.wire.ip.FragmentDropReason;
import dev.tapwire.wire.tunnel.DecodeReason;
import dev.tapwire.wire.tunnel.Verdict;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Every collector metric, declared once with its help text. Each one is a callback that reads the
 * single-writer counters the stages own at scrape time: the data path never touches Prometheus.
 * Labels are bounded: receivers, reasons, stages and sinks are fixed sets; per-stream series exist
 * only for the live streams of the bounded stream table.
 */
public final class CollectorMetrics {
  private final PrometheusRegistry registry;
  private final List<ReceiveCounters> receivers;
  private final DecodeCounters decode;
  private final StreamTable streams;
  private final MergeStage merge;
  private final List<FrameSink> sinks;
  private final SpscQueue<?> mergeInput;

  private CollectorMetrics(
      PrometheusRegistry registry,
      List<ReceiveCounters> receivers,
      DecodeCounters decode,
      StreamTable streams,
      MergeStage merge,
      List<FrameSink> sinks,
      SpscQueue<?> mergeInput) {
    this.mergeInput = mergeInput;
    this.registry = registry;
    this.receivers = List.copyOf(receivers);
    this.decode = decode;
    this.streams = streams;
    this.merge = merge;
    this.sinks = List.copyOf(sinks);
  }

  /** Registers every collector metric in {@code registry}. */
  public static CollectorMetrics register(
      PrometheusRegistry registry,
      List<ReceiveCounters> receivers,
      DecodeCounters decode,
      StreamTable streams,
      MergeStage merge,
      List<FrameSink> sinks,
      SpscQueue<?> mergeInput,
      FramePools pools) {
    CollectorMetrics metrics =
        new CollectorMetrics(registry, receivers, decode, streams, merge, sinks, mergeInput);
    metrics.registerReceive();
    metrics.registerDecode();
    metrics.registerFragments();
    metrics.registerStreams();
    metrics.registerMerge();
    metrics.registerDelivery();
    metrics.registerQueues(pools);
    return metrics;
  }

  private void registerReceive() {
    counter(
        "tapwire_collector_packets_received_total",
        "Packets read from the collector's sockets, by receiver.",
        "receiver",
        cb -> receivers.forEach(r -> cb.call(r.packets.get(), r.name())));
    counter(
        "tapwire_collector_bytes_received_total",
        "Bytes of received packets (outer headers included), by receiver.",
        "receiver",
        cb -> receivers.forEach(r -> cb.call(r.bytes.get(), r.name())));
    counter(
        "tapwire_collector_receive_kernel_drops_total",
        "Packets dropped by the kernel before the receiver read them (receive ring full), by"
            + " receiver; they also show as frames_lost.",
        "receiver",
        cb -> receivers.forEach(r -> cb.call(r.kernelDrops.get(), r.name())));
    counter(
        "tapwire_collector_receive_errors_total",
        "Socket read errors, not about one packet (the receiver keeps reading).",
        "receiver",
        cb -> receivers.forEach(r -> cb.call(r.readErrors.get(), r.name())));
  }

  private void registerDecode() {
    counter(
        "tapwire_collector_packets_invalid_total",
        "Malformed or unsupported packets, dropped, by reason.",
        "reason",
        cb -> byReason(decode.invalid, Verdict.INVALID, cb));
    counter(
        "tapwire_collector_packets_skipped_total",
        "Packets that are not mirror traffic (not tunnel), dropped, by reason.",
        "reason",
        cb -> byReason(decode.skipped, Verdict.NOT_TUNNEL, cb));
    counter(
        "tapwire_collector_frames_decoded_total",
        "Inner frames found in tunnel packets.",
        decode.framesDecoded::get);
    counter(
        "tapwire_collector_bytes_decoded_total",
        "Bytes of the decoded inner frames.",
        decode.bytesDecoded::get);
    counter(
        "tapwire_collector_frames_truncated_total",
        "Decoded frames the mirroring device marked as truncated (ERSPAN T bit).",
        decode.framesTruncated::get);
    counter(
        "tapwire_collector_gre_checksum_errors_total",
        "Frames whose GRE checksum does not verify (delivered anyway).",
        decode.greChecksumErrors::get);
    counter(
        "tapwire_collector_frames_lost_total",
        "Frames lost in the network, from gaps in GRE sequence numbers.",
        decode.framesLost::get);
    counter(
        "tapwire_collector_frames_recovered_total",
        "Frames counted lost that arrived later, out of order.",
        decode.framesRecovered::get);
  }

  private void registerFragments() {
    counter(
        "tapwire_collector_fragments_received_total",
        "Outer IPv4 fragments offered to the reassembler.",
        decode.fragmentsIn::get);
    counter(
        "tapwire_collector_fragments_reassembled_total",
        "Outer IPv4 fragments that became part of a reassembled datagram.",
        decode.fragmentsReassembled::get);
    counter(
        "tapwire_collector_datagrams_reassembled_total",
        "Datagrams reassembled from outer IPv4 fragments.",
        decode.datagramsReassembled::get);
    counter(
        "tapwire_collector_fragments_dropped_total",
        "Outer IPv4 fragments dropped, by reason.",
        "reason",
        cb -> {
          for (FragmentDropReason reason : FragmentDropReason.values()) {
            cb.call(decode.fragmentsDropped.get(reason.ordinal()), reason.label());
          }
        });
    gauge(
        "tapwire_collector_fragments_pending",
        "Outer IPv4 fragments held in incomplete datagrams.",
        decode.fragmentsPending::get);
    counter(
        "tapwire_collector_reassembly_evictions_total",
        "Incomplete datagrams evicted, oldest first, because the reassembly table was full.",
        decode.reassemblyEvictions::get);
    counter(
        "tapwire_collector_reassembly_timeouts_total",
        "Incomplete datagrams dropped because their fragments did not all arrive in time.",
        decode.reassemblyTimeouts::get);
    gauge(
        "tapwire_collector_reassembly_datagrams",
        "Incomplete datagrams held in the reassembly table.",
        decode.reassemblyPartialDatagrams::get);
  }

  private void registerStreams() {
    gauge("tapwire_collector_streams", "Live tunnel streams.", streams::liveStreams);
    counter(
        "tapwire_collector_streams_created_total",
        "Tunnel streams seen for the first time (or again after expiring).",
        streams::created);
    counter(
        "tapwire_collector_streams_expired_total",
        "Tunnel streams forgotten after being idle.",
        streams::expired);
    counter(
        "tapwire_collector_streams_evicted_total",
        "Tunnel streams forgotten to make room because the stream table was full.",
        streams::evicted);
    streamCounter(
        "tapwire_collector_stream_frames_total",
        "Frames of each live stream.",
        StreamCounters::frames);
    streamCounter(
        "tapwire_collector_stream_bytes_total",
        "Inner frame bytes of each live stream.",
        StreamCounters::bytes);
    streamCounter(
        "tapwire_collector_stream_gap_events_total",
        "Sequence gaps of each live stream.",
        StreamCounters::gapEvents);
    GaugeWithCallback.builder()
        .name("tapwire_collector_stream_frames_missing")
        .help("Frames of each live stream lost in the network, net of late arrivals.")
        .labelNames("stream", "id")
        .callback(
            cb -> {
              for (StreamDescriptor s : streams.descriptors()) {
                cb.call(s.counters().framesLost(), s.interfaceName(), Long.toString(s.id()));
              }
            })
        .register(registry);
  }

  private void registerMerge() {
    MergeCounters m = merge.counters();
    counter(
        "tapwire_collector_frames_late_total",
        "Frames captured before the last frame released by the merge (delivered or dropped per"
            + " late-policy).",
        m.framesLate::get);
    counter(
        "tapwire_collector_merge_forced_releases_total",
        "Frames released before their merge window ended because the merge heap was full.",
        m.forcedReleases::get);
    counter(
        "tapwire_collector_dedup_table_full_total",
        "Frames delivered without a duplicate check because the de-duplication table was full.",
        () -> merge.duplicates() == null ? 0 : merge.duplicates().tableFull());
  }

  private void registerDelivery() {
    MergeCounters m = merge.counters();
    counter(
        "tapwire_collector_frames_delivered_total",
        "Frames written or transmitted, by sink.",
        "sink",
        cb -> sinks.forEach(s -> cb.call(s.framesDelivered(), s.name())));
    CounterWithCallback.builder()
        .name("tapwire_collector_frames_dropped_total")
        .help("Frames dropped by the collector, by stage and reason (sink drops: stage = sink).")
        .labelNames("stage", "reason")
        .callback(
            cb -> {
              long rxBuffer = 0;
              long rxQueue = 0;
              long rxTruncated = 0;
              for (ReceiveCounters r : receivers) {
                rxBuffer += r.droppedBufferExhausted.get();
                rxQueue += r.droppedQueueFull.get();
                rxTruncated += r.droppedTruncated.get();
              }
              cb.call(rxBuffer, "receive", "buffer_exhausted");
              cb.call(rxQueue, "receive", "queue_full");
              cb.call(rxTruncated, "receive", "truncated");
              cb.call(decode.droppedNotAllowed.get(), "decode", "source_not_allowed");
              cb.call(decode.droppedSessionNotAllowed.get(), "decode", "session_not_allowed");
              cb.call(decode.droppedBufferExhausted.get(), "decode", "buffer_exhausted");
              cb.call(decode.droppedQueueFull.get(), "decode", "queue_full");
              cb.call(m.droppedLate.get(), "merge", "late");
              cb.call(m.droppedDuplicate.get(), "merge", "duplicate");
              for (int i = 0; i < sinks.size(); i++) {
                FrameSink sink = sinks.get(i);
                Map<String, Long> reasons = new TreeMap<>(sink.framesDroppedByReason());
                reasons.merge("queue_full", m.queueFullPerSink.get(i), Long::sum);
                sink.copiesDroppedByReason().forEach((r, n) -> reasons.merge(r, n, Long::sum));
                reasons.forEach((reason, count) -> cb.call(count, sink.name(), reason));
              }
            })
        .register(registry);
  }

  private void registerQueues(FramePools pools) {
    MergeCounters m = merge.counters();
    GaugeWithCallback.builder()
        .name("tapwire_collector_queue_frames")
        .help("Frames waiting between stages, by queue.")
        .labelNames("queue")
        .callback(
            cb -> {
              receivers.forEach(r -> cb.call(r.queuedFrames(), "receive_" + r.name()));
              cb.call(mergeInput.size(), "merge_input");
              cb.call(m.heapFrames.get(), "merge_heap");
              sinks.forEach(s -> cb.call(s.queuedFrames(), "sink_" + s.name()));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("tapwire_collector_frame_pool_free")
        .help("Free pooled frame slots, by slot size.")
        .labelNames("pool")
        .callback(
            cb -> {
              cb.call(pools.small().freeSlots(), "small");
              cb.call(pools.large().freeSlots(), "large");
            })
        .register(registry);
  }

  private static void byReason(
      SingleWriterCounters counters, Verdict verdict, CounterWithCallback.Callback cb) {
    for (DecodeReason reason : DecodeReason.values()) {
      if (reason.verdict() == verdict) {
        cb.call(counters.get(reason.ordinal()), reason.label());
      }
    }
  }

  private void streamCounter(
      String name, String help, java.util.function.ToLongFunction<StreamCounters> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("stream", "id")
        .callback(
            cb -> {
              for (StreamDescriptor s : streams.descriptors()) {
                cb.call(value.applyAsLong(s.counters()), s.interfaceName(), Long.toString(s.id()));
              }
            })
        .register(registry);
  }

  private void counter(String name, String help, LongSupplier value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }

  private void counter(
      String name,
      String help,
      String label,
      java.util.function.Consumer<CounterWithCallback.Callback> callback) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(label)
        .callback(callback)
        .register(registry);
  }

  private void gauge(String name, String help, LongSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }
}
