package dev.tapwire.agent;

import dev.tapwire.agent.capture.CapturePath;
import dev.tapwire.agent.config.AgentConfigLoader;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.agent.control.ControlTimings;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Three namespaces: a traffic generator and the agent joined by a silent veth (MTU 9000) that the
 * agent captures, and the agent and a collector joined by an addressed veth that carries the
 * tunnel. The collector namespace holds a raw GRE socket and a UDP socket on the VXLAN port, so
 * that it answers the tunnel with no ICMP errors, and nothing else.
 */
final class MirrorLab implements AutoCloseable {
  static final String AGENT4 = "198.18.1.1";
  static final String COLLECTOR4 = "198.18.1.2";
  static final String AGENT6 = "2001:db8:1::1";
  static final String COLLECTOR6 = "2001:db8:1::2";
  static final int VXLAN_PORT = 4789;

  final Netns generator;
  final Netns agentNs;
  final Netns collector;
  final VethPair tap;
  final VethPair export;
  private final List<AutoCloseable> resources = new ArrayList<>();

  private MirrorLab(
      Netns generator, Netns agentNs, Netns collector, VethPair tap, VethPair export) {
    this.generator = generator;
    this.agentNs = agentNs;
    this.collector = collector;
    this.tap = tap;
    this.export = export;
  }

  static MirrorLab create() throws Exception {
    Netns generator = Netns.create();
    Netns agentNs = null;
    Netns collector = null;
    VethPair tap = null;
    try {
      agentNs = Netns.create();
      collector = Netns.create();
      tap = VethPair.between(generator, agentNs).silent().mtu(9000).create();
      VethPair export =
          VethPair.between(agentNs, collector)
              .addresses(AGENT4 + "/30", COLLECTOR4 + "/30")
              .addresses(AGENT6 + "/64", COLLECTOR6 + "/64")
              .create();
      MirrorLab lab = new MirrorLab(generator, agentNs, collector, tap, export);
      lab.openCollectorSockets();
      return lab;
    } catch (Exception | Error e) {
      if (tap != null) {
        tap.close();
      }
      if (collector != null) {
        collector.close();
      }
      if (agentNs != null) {
        agentNs.close();
      }
      generator.close();
      throw e;
    }
  }

  /** The interface the agent captures (in its namespace). */
  String capturedInterface() {
    return tap.nameB();
  }

  private void openCollectorSockets() throws Exception {
    NetworkNamespace.runIn(
        collector.name(),
        () -> {
          for (IpFamily family : IpFamily.values()) {
            resources.add(RawIpSocket.openGre(family));
          }
          DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET6);
          udp.bind(new InetSocketAddress(VXLAN_PORT));
          resources.add(udp);
          return null;
        });
  }

  /** Closes the collector's sockets: from now on it answers tunnel packets with ICMP errors. */
  void closeCollectorSockets() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    resources.clear();
  }

  /** Agent settings as flags: the captured interface, the collector, metrics on a free port. */
  Map<String, List<String>> flags(String collectorAddress, String... keyValues) {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put(AgentSettingKeys.INTERFACE, List.of(capturedInterface()));
    flags.put(AgentSettingKeys.COLLECTOR, List.of(collectorAddress));
    flags.put(AgentSettingKeys.METRICS_PORT, List.of("0"));
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], List.of(keyValues[i + 1]));
    }
    return flags;
  }

  /** Plans and starts an agent inside the agent namespace. */
  Agent startAgent(Map<String, List<String>> flags) throws Exception {
    return startAgent(flags, CapturePath.DISPATCH);
  }

  Agent startAgent(Map<String, List<String>> flags, CapturePath path) throws Exception {
    return startAgent(flags, path, ControlTimings.DEFAULT);
  }

  /** Plans and starts an agent inside the agent namespace, with control-client timings. */
  Agent startAgent(Map<String, List<String>> flags, ControlTimings timings) throws Exception {
    return startAgent(flags, CapturePath.DISPATCH, timings);
  }

  private Agent startAgent(
      Map<String, List<String>> flags, CapturePath path, ControlTimings timings) throws Exception {
    return NetworkNamespace.runIn(
        agentNs.name(),
        () ->
            Agent.start(
                AgentPlan.of(
                    AgentConfigLoader.load(
                        new LayeredSettings(
                            flags,
                            Map.of(),
                            AgentSettingKeys.ENVIRONMENT_PREFIX,
                            Map.of(),
                            "test"))),
                path,
                false,
                timings));
  }

  /** Sends the frames, in order, from the generator's end of the captured link. */
  void send(List<byte[]> frames) throws Exception {
    send(tap.nameA(), frames);
  }

  /** Sends the frames, in order, on {@code generatorInterface} in the generator namespace. */
  void send(String generatorInterface, List<byte[]> frames) throws Exception {
    NetworkNamespace.runIn(
        generator.name(),
        () -> {
          try (PacketSocket socket = PacketSocket.openTransmitOnly(generatorInterface);
              SendBatch batch = new SendBatch(64, 9014)) {
            for (int start = 0; start < frames.size(); start += batch.capacity()) {
              batch.clear();
              for (int i = start; i < Math.min(frames.size(), start + batch.capacity()); i++) {
                byte[] frame = frames.get(i);
                batch.add(frame, 0, frame.length, null);
              }
              socket.send(batch);
              if (batch.failed() > 0) {
                throw new IOException(
                    batch.failed() + " frames refused, errno " + batch.lastErrno());
              }
            }
          }
          return null;
        });
  }

  /** tcpdump on the captured interface, nanosecond timestamps. */
  TcpdumpCapture tcpdumpCaptured(Path file) {
    return TcpdumpCapture.start(
        agentNs, capturedInterface(), file, List.of("--time-stamp-precision=nano"), null);
  }

  /** tcpdump on the collector's end of the export link: the tunnel packets as they arrive. */
  TcpdumpCapture tcpdumpCollector(Path file, String filter) {
    return TcpdumpCapture.start(
        collector, export.nameB(), file, List.of("--time-stamp-precision=nano"), filter);
  }

  @Override
  public void close() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // The namespace goes away next.
      }
    }
    try {
      export.close();
      tap.close();
    } finally {
      try {
        collector.close();
      } finally {
        try {
          agentNs.close();
        } finally {
          generator.close();
        }
      }
    }
  }
}
