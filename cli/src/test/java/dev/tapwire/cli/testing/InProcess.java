package dev.tapwire.cli.testing;

import dev.tapwire.agent.Agent;
import dev.tapwire.agent.AgentPlan;
import dev.tapwire.agent.capture.CapturePath;
import dev.tapwire.agent.config.AgentConfigLoader;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.collector.Collector;
import dev.tapwire.collector.DefaultSinks;
import dev.tapwire.collector.config.CollectorConfigLoader;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.testkit.Netns;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A collector and an agent started in this JVM inside a test's namespaces (their sockets open in
 * the namespace), from flags as on the command line, and frames sent onto a veth from a namespace.
 */
public final class InProcess {
  private InProcess() {}

  /** A collector with these settings, no metrics endpoint, the default sinks. */
  public static Collector collector(Netns ns, Map<String, List<String>> flags) throws Exception {
    var config =
        CollectorConfigLoader.load(
            new LayeredSettings(
                flags, Map.of(), CollectorSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "test"));
    return NetworkNamespace.runIn(
        ns.name(),
        () -> Collector.start(config, new PrometheusRegistry(), DefaultSinks::create, false));
  }

  /** An agent with these settings, no metrics endpoint. */
  public static Agent agent(Netns ns, Map<String, List<String>> flags) throws Exception {
    var config =
        AgentConfigLoader.load(
            new LayeredSettings(
                flags, Map.of(), AgentSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "test"));
    return NetworkNamespace.runIn(
        ns.name(), () -> Agent.start(AgentPlan.of(config), CapturePath.DISPATCH, false));
  }

  /** Sends every frame, in order, out of {@code iface} in {@code ns}. */
  public static void send(Netns ns, String iface, List<byte[]> frames) throws Exception {
    NetworkNamespace.runIn(
        ns.name(),
        () -> {
          try (PacketSocket socket = PacketSocket.openTransmitOnly(iface);
              SendBatch batch = new SendBatch(64, 1514)) {
            for (byte[] frame : frames) {
              batch.add(frame, 0, frame.length, null);
            }
            socket.send(batch);
            if (batch.failed() > 0) {
              throw new IOException(batch.failed() + " frames refused");
            }
          }
          return null;
        });
  }
}
