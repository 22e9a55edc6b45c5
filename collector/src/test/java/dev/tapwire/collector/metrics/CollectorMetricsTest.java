package dev.tapwire.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.decode.DecodeStage;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.merge.MergeStage;
import dev.tapwire.collector.receive.FrameHandoff;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.MetricsText;
import dev.tapwire.collector.testing.RealCapturePackets;
import dev.tapwire.collector.testing.RealCapturePackets.OuterPacket;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectorMetricsTest {
  @Test
  void theScrapeShowsWhatTheStagesCounted() {
    FramePools pools = new FramePools(1024, 16);
    SpscQueue<Frame> receiveQueue = new SpscQueue<>(1024);
    ReceiveCounters receive = new ReceiveCounters("gre_ipv4", receiveQueue);
    FrameHandoff handoff = new FrameHandoff(pools, receiveQueue, receive);
    SpscQueue<Frame> mergeInput = new SpscQueue<>(1024);
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {receiveQueue};
    DecodeStage decode =
        new DecodeStage(
            inputs,
            mergeInput,
            pools,
            new TunnelClassifier(),
            new SourceAllowlist(List.of()),
            new Ipv4Reassembler(8, 65_535, 1_000_000_000L, 64),
            new StreamTable(64, 1_000_000_000L));
    CollectingSink sink = new CollectingSink("file");
    MergeStage merge = new MergeStage(mergeInput, new FrameSink[] {sink}, 1_000, true, null, 1024);
    PrometheusRegistry registry = new PrometheusRegistry();
    CollectorMetrics.register(
        registry,
        List.of(receive),
        decode.counters(),
        decode.streams(),
        merge,
        List.of(sink),
        mergeInput,
        pools);

    List<OuterPacket> packets =
        RealCapturePackets.read(RealCaptures.file("tcpdump/erspan-type-i-4.pcap"));
    for (OuterPacket p : packets) {
      Frame frame = handoff.take(p.ip().length);
      frame.buffer().setBytes(0, p.ip());
      frame.packetLength = p.ip().length;
      frame.receiveTimeNs = p.timestampNs();
      frame.origin = Frame.ORIGIN_RAW_IPV4;
      handoff.handOff(frame);
    }
    decode.doWork(0);
    decode.doWork(1);
    merge.doWork(0);
    merge.doWork(1_000_000);

    String text = MetricsText.scrape(registry);
    assertThat(value(text, "tapwire_collector_packets_received_total{receiver=\"gre_ipv4\"}"))
        .isEqualTo(packets.size());
    assertThat(value(text, "tapwire_collector_frames_decoded_total")).isEqualTo(88);
    assertThat(
            value(
                text,
                "tapwire_collector_packets_skipped_total{reason=\"gre_protocol_not_mirror\"}"))
        .isEqualTo(8);
    assertThat(value(text, "tapwire_collector_frames_delivered_total{sink=\"file\"}"))
        .isEqualTo(88);
    assertThat(
            value(
                text,
                "tapwire_collector_frames_dropped_total{reason=\"queue_full\",stage=\"file\"}"))
        .isZero();
    assertThat(value(text, "tapwire_collector_streams")).isEqualTo(1);
    assertThat(
            value(
                text,
                "tapwire_collector_stream_frames_total{id=\"1\",stream=\"20.1.1.1/erspan_i\"}"))
        .isEqualTo(88);
    assertThat(value(text, "tapwire_collector_queue_frames{queue=\"merge_heap\"}")).isZero();
    assertThat(text)
        .contains("# HELP tapwire_collector_frames_lost_total ")
        .contains("tapwire_collector_packets_invalid_total{reason=\"gre_bad_version\"} 0")
        .contains("tapwire_collector_fragments_dropped_total{reason=\"fragment_timeout\"} 0")
        .contains("tapwire_collector_frames_late_total 0");
  }

  private static double value(String text, String series) {
    return MetricsText.value(text, series)
        .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + text));
  }
}
