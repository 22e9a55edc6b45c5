package dev.tapwire.collector.control;

import dev.tapwire.collector.config.ControlServerSettings;
import io.grpc.BindableService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The collector's control plane, wired: the agent registry, AgentService, AdminService (its live
 * taps fed by the {@link TapSink}), any extra services, and the {@link ControlServer} serving them.
 * {@code Collector} creates the tap sink with its other sinks and starts this once its stages run.
 */
public final class ControlPlane implements AutoCloseable {
  private final AgentRegistry registry;
  private final ControlServer server;
  private final ScheduledExecutorService timer;
  private final ExecutorService tapExecutor;

  private ControlPlane(
      AgentRegistry registry,
      ControlServer server,
      ScheduledExecutorService timer,
      ExecutorService tapExecutor) {
    this.registry = registry;
    this.server = server;
    this.timer = timer;
    this.tapExecutor = tapExecutor;
  }

  /** The tap sink the merge stage feeds, sized to the collector's queues. */
  public static TapSink tapSink(int queueFrames) {
    return new TapSink(Math.min(queueFrames, 4_096));
  }

  /**
   * Starts serving.
   *
   * @param port the port to bind (settings.port(), or 0 in tests for any free port)
   * @param extraServices further services on the same server (e.g. DataService)
   * @throws IOException when the port is taken or a TLS file is unusable
   */
  public static ControlPlane start(
      ControlServerSettings settings,
      int port,
      CollectorCounters counters,
      TapSink tapSink,
      List<BindableService> extraServices,
      PrometheusRegistry metrics,
      LongSupplier clockNs,
      ControlLimits limits)
      throws IOException {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("collector-control-timer").daemon().factory());
    ExecutorService tapExecutor =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("collector-tap-sender").daemon().factory());
    AgentRegistry registry = new AgentRegistry(clockNs, settings.reportIntervalNs());
    List<BindableService> services = new ArrayList<>();
    services.add(new AgentControlService(registry, timer, limits.maxWatchNs()));
    services.add(
        new AdminControlService(registry, counters, tapSink, limits, timer, tapExecutor, clockNs));
    services.addAll(extraServices);
    try {
      ControlServer server =
          ControlServer.start(settings, port, services, timer, limits.tlsReloadPeriodNs());
      if (metrics != null) {
        ControlMetrics.register(metrics, registry, tapSink);
      }
      return new ControlPlane(registry, server, timer, tapExecutor);
    } catch (IOException | RuntimeException e) {
      timer.shutdownNow();
      tapExecutor.shutdownNow();
      throw e;
    }
  }

  public AgentRegistry registry() {
    return registry;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    timer.shutdownNow();
    tapExecutor.shutdownNow();
  }
}
