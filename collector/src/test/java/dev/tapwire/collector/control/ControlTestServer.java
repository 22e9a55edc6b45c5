package dev.tapwire.collector.control;

import dev.tapwire.collector.config.ControlServerSettings;
import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.merge.MergeCounters;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A control plane on 127.0.0.1 (a free port) with a started tap sink, for tests. */
final class ControlTestServer implements AutoCloseable {
  final TapSink tap;
  final ControlPlane plane;
  final PrometheusRegistry metrics = new PrometheusRegistry();
  private final List<ManagedChannel> channels = new ArrayList<>();

  ControlTestServer(ControlServerSettings settings, ControlLimits limits) throws Exception {
    tap = new TapSink(1024);
    tap.start();
    List<FrameSink> sinks = List.of(tap);
    CollectorCounters counters =
        new CollectorCounters(
            List.of(),
            new DecodeCounters(),
            new StreamTable(16, TimeUnit.SECONDS.toNanos(60)),
            new MergeCounters(1),
            sinks,
            () -> 0,
            1024,
            1L);
    plane =
        ControlPlane.start(
            settings,
            0,
            counters,
            tap,
            List.of(),
            metrics,
            () -> System.currentTimeMillis() * 1_000_000L,
            limits);
  }

  ControlTestServer() throws Exception {
    this(plaintext(), ControlLimits.DEFAULT);
  }

  static ControlServerSettings plaintext() throws Exception {
    return new ControlServerSettings(
        InetAddress.getByName("127.0.0.1"),
        0,
        null,
        null,
        null,
        null,
        List.of(),
        TimeUnit.SECONDS.toNanos(10));
  }

  ManagedChannel channel() {
    return channel(InsecureChannelCredentials.create());
  }

  ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", plane.port(), credentials)
            .overrideAuthority("localhost")
            .build();
    channels.add(channel);
    return channel;
  }

  AgentServiceGrpc.AgentServiceBlockingStub agents() {
    return AgentServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    plane.close();
    tap.close();
  }
}
