package dev.tapwire.collector.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.MetricsText;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.GetStatsRequest;
import dev.tapwire.proto.v1.GetStatsResponse;
import dev.tapwire.proto.v1.Stage;
import dev.tapwire.proto.v1.StageCounters;
import dev.tapwire.proto.v1.StreamStats;
import dev.tapwire.proto.v1.TapRequest;
import dev.tapwire.proto.v1.TapResponse;
import dev.tapwire.testkit.Poll;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real collector receiving VXLAN on loopback (no root needed): GetStats reports the numbers of
 * {@code /metrics}, and a stalled tap costs the other sinks nothing.
 */
class GetStatsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int FRAMES = 12_000; // more than a tap client queue (8192)

  private static int freeTcpPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void getStatsEqualsTheMetricsAndASlowTapDoesNotTouchTheDataPath() throws Exception {
    int vxlanPort = freeUdpPort();
    int grpcPort = freeTcpPort();
    CollectorConfig config =
        CollectorTopology.config(
            Map.of(
                CollectorSettingKeys.LISTEN, List.of("127.0.0.1"),
                CollectorSettingKeys.GRE, List.of("false"),
                CollectorSettingKeys.VXLAN_PORT, List.of(Integer.toString(vxlanPort)),
                CollectorSettingKeys.GRE_IN_UDP_PORT, List.of("0"),
                CollectorSettingKeys.GRPC_ADDRESS, List.of("127.0.0.1"),
                CollectorSettingKeys.GRPC_PORT, List.of(Integer.toString(grpcPort))));
    CollectingSink collect = new CollectingSink("file");
    PrometheusRegistry registry = new PrometheusRegistry();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, InsecureChannelCredentials.create())
            .build();
    try (Collector collector =
        Collector.start(config, registry, (c, r) -> List.of(collect), false)) {
      AdminServiceGrpc.newStub(channel)
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .tap(TapRequest.getDefaultInstance(), new StalledReader());
      TapSink tap = (TapSink) collector.sinks().get(1);
      Poll.until(WAIT, "the tap attached", () -> tap.clientCount() == 1);

      try (DatagramSocket sender = new DatagramSocket()) {
        for (int i = 0; i < FRAMES; i++) {
          byte[] payload = TestPackets.vxlan(42, TestPackets.ethernetFrame(i, 64, 1_400));
          sender.send(
              new DatagramPacket(
                  payload, payload.length, InetAddress.getLoopbackAddress(), vxlanPort));
          if (i % 200 == 199) {
            int sent = i + 1;
            Poll.until(
                WAIT, "the collector to keep up", () -> collect.framesDelivered() >= sent - 200);
          }
        }
      }
      var tapQueueFull = collector.mergeStage().counters().queueFullPerSink;
      Poll.until(
          WAIT,
          "every frame delivered to the files and through the tap stage",
          () ->
              collect.framesDelivered() == FRAMES
                  && tap.framesDelivered() + tapQueueFull.get(1) == FRAMES,
          () -> collect.framesDelivered() + " / " + tap.framesDelivered());
      assertThat(collect.frames())
          .extracting(CollectingSink.Delivered::sha256)
          .doesNotHaveDuplicates();

      GetStatsResponse stats =
          AdminServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getStats(GetStatsRequest.getDefaultInstance());
      String metrics = MetricsText.scrape(registry);

      StreamStats stream = stats.getStreams(0);
      assertThat(stream.getKey().getEncapsulation()).isEqualTo(Encapsulation.ENCAPSULATION_VXLAN);
      assertThat(stream.getKey().getVni()).isEqualTo(42);
      assertThat(stream.getKey().getOuterSourceAddress()).isEqualTo("127.0.0.1");
      assertThat(stream.getReceivedFrames()).isEqualTo(FRAMES);
      assertThat((double) stream.getReceivedFrames())
          .isEqualTo(
              metric(
                  metrics,
                  "tapwire_collector_stream_frames_total{id=\""
                      + collector.decodeStage().streams().descriptors().getFirst().id()
                      + "\",stream=\"127.0.0.1/vxlan-42\"}"));
      assertThat((double) stage(stats, Stage.STAGE_FILE).getProcessedFrames())
          .isEqualTo(metric(metrics, "tapwire_collector_frames_delivered_total{sink=\"file\"}"));
      assertThat((double) stage(stats, Stage.STAGE_TAP).getProcessedFrames())
          .isEqualTo(metric(metrics, "tapwire_collector_frames_delivered_total{sink=\"tap\"}"));
      double slow =
          metric(
              metrics,
              "tapwire_collector_frames_dropped_total{reason=\"slow_reader\",stage=\"tap\"}");
      assertThat(slow).as("the stalled tap lost frames").isPositive();
      assertThat((double) stage(stats, Stage.STAGE_TAP).getDroppedFrames())
          .isEqualTo(
              slow
                  + metric(
                      metrics,
                      "tapwire_collector_frames_dropped_total{reason=\"queue_full\",stage=\"tap\"}"));
      assertThat((double) stage(stats, Stage.STAGE_MERGE).getProcessedFrames())
          .isEqualTo(metric(metrics, "tapwire_collector_frames_decoded_total"));
      assertThat(collector.books().balances()).allMatch(b -> b.balanced(), "books balance");
    } finally {
      channel.shutdownNow();
    }
  }

  private static double metric(String text, String series) {
    return MetricsText.value(text, series).orElseThrow(() -> new AssertionError("no " + series));
  }

  private static StageCounters stage(GetStatsResponse stats, Stage stage) {
    return stats.getStagesList().stream()
        .filter(s -> s.getStage() == stage)
        .findFirst()
        .orElseThrow();
  }

  /** Reads one message and then nothing: the collector must stop sending and drop for it. */
  private static final class StalledReader
      implements ClientResponseObserver<TapRequest, TapResponse> {
    @Override
    public void beforeStart(ClientCallStreamObserver<TapRequest> call) {
      call.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(TapResponse value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
