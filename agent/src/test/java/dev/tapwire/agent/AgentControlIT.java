package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.agent.control.ControlTimings;
import dev.tapwire.agent.control.TestControlServer;
import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent under a test control server in the collector namespace: policies pushed at run time
 * change what the collector receives, checked by tshark on the collector's side of the link.
 */
class AgentControlIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ControlTimings FAST =
      new ControlTimings(
          Duration.ofSeconds(2),
          Duration.ofMinutes(1),
          Duration.ofMillis(100),
          Duration.ofMillis(500),
          Duration.ofMillis(200));
  private static final String TUNNELS = "ip proto 47 or udp dst port 4789";

  @TempDir Path dir;

  @Test
  void aFilterPushedAtRunTimeSelectsTheFramesAndABadOneIsRejected() throws Exception {
    RootRequirement.check();
    List<byte[]> before = mix(0);
    List<byte[]> during = mix(100);
    List<byte[]> after = mix(200);
    try (MirrorLab lab = MirrorLab.create();
        TestControlServer server = serverIn(lab, 0);
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("arrived.pcap"), TUNNELS)) {
      Agent agent =
          lab.startAgent(
              lab.flags(
                  MirrorLab.COLLECTOR4,
                  "encap",
                  "erspan2",
                  AgentSettingKeys.CONTROL_PORT,
                  Integer.toString(server.port()),
                  AgentSettingKeys.LABEL,
                  "zone=b"),
              FAST);
      try {
        Poll.until(TIMEOUT, "registered", () -> agent.control().connected());
        RegisterRequest register = server.registers.get(0);
        assertThat(register.getLabelsMap()).containsEntry("zone", "b");
        InterfaceInfo captured =
            register.getInterfacesList().stream()
                .filter(i -> i.getName().equals(lab.capturedInterface()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "no "
                                + lab.capturedInterface()
                                + " in "
                                + register.getInterfacesList()));
        assertThat(captured.getMacAddress().size()).isEqualTo(6);
        assertThat(captured.getMtuBytes()).isEqualTo(9000);
        assertThat(register.getCapabilities().getRawGreIpv4()).isTrue();
        assertThat(register.getCapabilities().getNanosecondTimestamps())
            .isEqualTo(agent.nanosecondTimestamps(0));

        // No policy yet: the local settings (everything, session 1).
        lab.send(before);
        arrived.awaitPackets(before.size(), TIMEOUT);

        server.setPolicy(policy(1, "udp port 9", lab.capturedInterface(), 5));
        ReportPolicyStatusRequest applied = awaitStatus(server, 1);
        assertThat(applied.getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
        assertThat(applied.getExportSourceAddress()).isEqualTo(MirrorLab.AGENT4);
        lab.send(during);
        arrived.awaitPackets(before.size() + 5, TIMEOUT);

        server.setPolicy(policy(2, "udp port nine", lab.capturedInterface(), 6));
        ReportPolicyStatusRequest rejected = awaitStatus(server, 2);
        assertThat(rejected.getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_REJECTED);
        assertThat(rejected.getErrorMessage()).contains("bpf_filter").contains("udp port nine");
        lab.send(after);
        arrived.awaitPackets(before.size() + 10, TIMEOUT);

        assertThat(agent.control().policyVersion()).isEqualTo(1);
        assertThat(agent.control().policiesRejected()).isEqualTo(1);
        Poll.until(
            TIMEOUT,
            "a stats report counting every frame",
            () ->
                server.stats.stream()
                    .anyMatch(
                        s ->
                            s.getPolicyVersion() == 1
                                && s.getStats().getInterfaces(0).getCapturedFrames()
                                    == before.size() + 10
                                && s.getStats().getInterfaces(0).getSessionId() == 5));
      } finally {
        agent.close();
      }
      arrived.stop();
      List<TsharkTunnelDecode.Packet> decoded = TsharkTunnelDecode.decode(arrived.file());
      List<byte[]> expected = new ArrayList<>(before);
      expected.addAll(port9(during));
      expected.addAll(port9(after));
      assertThat(
              AgentMirrorIT.hashes(decoded.stream().map(TsharkTunnelDecode.Packet::inner).toList()))
          .as("everything before the policy, then only udp port 9, also after the bad one")
          .isEqualTo(AgentMirrorIT.hashes(expected));
      for (int i = 0; i < decoded.size(); i++) {
        assertThat(decoded.get(i).number("erspan.spanid"))
            .as("session of packet %d", i)
            .isEqualTo(i < before.size() ? 1 : 5);
      }
    }
  }

  @Test
  void samplingRateLimitAndTunnelChangeLive() throws Exception {
    RootRequirement.check();
    List<byte[]> sampled = new ArrayList<>();
    for (int n = 0; n < 10; n++) {
      sampled.add(TestFrames.udpFrame(200, n));
    }
    try (MirrorLab lab = MirrorLab.create();
        TestControlServer server = serverIn(lab, 0);
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("arrived.pcap"), TUNNELS)) {
      Agent agent =
          lab.startAgent(
              lab.flags(
                  MirrorLab.COLLECTOR4,
                  "encap",
                  "erspan3",
                  AgentSettingKeys.CONTROL_PORT,
                  Integer.toString(server.port())),
              FAST);
      try {
        Poll.until(TIMEOUT, "registered", () -> agent.control().connected());
        server.setPolicy(
            policy(1, "", lab.capturedInterface(), 7).toBuilder()
                .setEncapsulation(Encapsulation.ENCAPSULATION_VXLAN)
                .setSampleOneInNFrames(2)
                .build());
        assertThat(awaitStatus(server, 1).getStatus())
            .isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
        lab.send(sampled);
        arrived.awaitPackets(5, TIMEOUT);
        awaitDrained(agent, 10);
        assertThat(agent.totals().sampledOut()).isEqualTo(5);

        // One packet per second, a bucket of one packet: of 20 frames sent at once, about one.
        server.setPolicy(
            policy(2, "", lab.capturedInterface(), 7).toBuilder()
                .setEncapsulation(Encapsulation.ENCAPSULATION_VXLAN)
                .setRateLimitPacketsPerSecond(1)
                .setRateLimitBurstBytes(1)
                .build());
        assertThat(awaitStatus(server, 2).getStatus())
            .isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
        List<byte[]> limited = new ArrayList<>();
        for (int n = 100; n < 120; n++) {
          limited.add(TestFrames.udpFrame(200, n));
        }
        lab.send(limited);
        awaitDrained(agent, 30);
        AgentTotals totals = agent.totals();
        assertThat(totals.rateLimited()).isBetween(15L, 19L);
        assertThat(totals.sampledOut()).as("sampling is off again").isEqualTo(5);
        assertThat(totals.balanced()).as("books: %s", totals).isTrue();
        arrived.awaitPackets((int) totals.sent(), TIMEOUT);
      } finally {
        agent.close();
      }
      arrived.stop();
      List<TsharkTunnelDecode.Packet> decoded = TsharkTunnelDecode.decode(arrived.file());
      assertThat(decoded).isNotEmpty();
      for (TsharkTunnelDecode.Packet packet : decoded) {
        assertThat(packet.number("vxlan.vni")).isEqualTo(7);
      }
      assertThat(
              AgentMirrorIT.hashes(
                  decoded.subList(0, 5).stream().map(TsharkTunnelDecode.Packet::inner).toList()))
          .as("one frame in two: the first, third, ...")
          .isEqualTo(
              AgentMirrorIT.hashes(
                  List.of(
                      sampled.get(0),
                      sampled.get(2),
                      sampled.get(4),
                      sampled.get(6),
                      sampled.get(8))));
    }
  }

  @Test
  void mirrorsWhileTheCollectorIsDownAndTakesItsPolicyOnceItIsUp() throws Exception {
    RootRequirement.check();
    int port = 17_460;
    List<byte[]> down = mix(0);
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("arrived.pcap"), TUNNELS)) {
      Agent agent =
          lab.startAgent(
              lab.flags(
                  MirrorLab.COLLECTOR4,
                  "encap",
                  "erspan2",
                  AgentSettingKeys.CONTROL_PORT,
                  Integer.toString(port)),
              FAST);
      TestControlServer server = null;
      try {
        Poll.until(
            TIMEOUT,
            "a failed registration",
            () -> agent.control().lastError().contains("UNAVAILABLE"));
        lab.send(down);
        arrived.awaitPackets(down.size(), TIMEOUT);
        assertThat(agent.control().connected()).isFalse();

        server = serverIn(lab, port);
        server.setPolicy(policy(1, "udp port 9", lab.capturedInterface(), 5));
        awaitStatus(server, 1);
        assertThat(agent.control().connected()).isTrue();
        List<byte[]> up = mix(100);
        lab.send(up);
        arrived.awaitPackets(down.size() + 5, TIMEOUT);
        awaitDrained(agent, down.size() + port9(up).size());
      } finally {
        agent.close();
        if (server != null) {
          server.close();
        }
      }
      arrived.stop();
      List<TsharkTunnelDecode.Packet> decoded = TsharkTunnelDecode.decode(arrived.file());
      List<byte[]> expected = new ArrayList<>(down);
      expected.addAll(port9(mix(100)));
      assertThat(
              AgentMirrorIT.hashes(decoded.stream().map(TsharkTunnelDecode.Packet::inner).toList()))
          .isEqualTo(AgentMirrorIT.hashes(expected));
    }
  }

  @Test
  void aHandleSettingReopensTheCaptureUnderTheNewFilter() throws Exception {
    RootRequirement.check();
    List<byte[]> before = mix(0);
    List<byte[]> after = mix(100);
    try (MirrorLab lab = MirrorLab.create();
        TestControlServer server = serverIn(lab, 0);
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("arrived.pcap"), TUNNELS)) {
      Agent agent =
          lab.startAgent(
              lab.flags(
                  MirrorLab.COLLECTOR4,
                  "encap",
                  "erspan2",
                  AgentSettingKeys.CONTROL_PORT,
                  Integer.toString(server.port())),
              FAST);
      try {
        Poll.until(TIMEOUT, "registered", () -> agent.control().connected());
        lab.send(before);
        arrived.awaitPackets(before.size(), TIMEOUT);
        server.setPolicy(
            policy(1, "udp port 9", lab.capturedInterface(), 1).toBuilder()
                .setPromiscuous(false)
                .setKernelBufferBytes(1 << 20)
                .build());
        assertThat(awaitStatus(server, 1).getStatus())
            .isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
        assertThat(agent.metrics().captures().get(0).reopens.get()).isEqualTo(1);
        lab.send(after);
        arrived.awaitPackets(before.size() + 5, TIMEOUT);
        awaitDrained(agent, before.size() + 5);
        assertThat(agent.totals().balanced()).isTrue();
      } finally {
        agent.close();
      }
      arrived.stop();
      List<byte[]> expected = new ArrayList<>(before);
      expected.addAll(port9(after));
      assertThat(
              AgentMirrorIT.hashes(
                  TsharkTunnelDecode.decode(arrived.file()).stream()
                      .map(TsharkTunnelDecode.Packet::inner)
                      .toList()))
          .isEqualTo(AgentMirrorIT.hashes(expected));
    }
  }

  /** Four UDP port 9 frames and four to port 20000, interleaved, then a port 9 frame last. */
  private static List<byte[]> mix(int base) {
    List<byte[]> frames = new ArrayList<>();
    for (int n = base; n < base + 4; n++) {
      frames.add(TestFrames.ipv4(17, TestFrames.udp(5_000 + n, 9, TestFrames.filler(64))));
      frames.add(TestFrames.udpFrame(128, n));
    }
    frames.add(TestFrames.ipv4(17, TestFrames.udp(6_000 + base, 9, TestFrames.filler(32))));
    return frames;
  }

  private static List<byte[]> port9(List<byte[]> frames) {
    // Ethernet 14 + IPv4 20: the UDP destination port at 36.
    return frames.stream().filter(f -> ((f[36] & 0xff) << 8 | (f[37] & 0xff)) == 9).toList();
  }

  private static CapturePolicy policy(long version, String filter, String iface, int session) {
    return CapturePolicy.newBuilder()
        .setPolicyVersion(version)
        .addInterfaces(CaptureInterface.newBuilder().setName(iface).setSessionId(session))
        .setBpfFilter(filter)
        .setPromiscuous(true)
        .setEncapsulation(Encapsulation.ENCAPSULATION_ERSPAN_II)
        .build();
  }

  private static TestControlServer serverIn(MirrorLab lab, int port) throws Exception {
    return NetworkNamespace.runIn(
        lab.collector.name(), () -> TestControlServer.start(MirrorLab.COLLECTOR4, port));
  }

  private static ReportPolicyStatusRequest awaitStatus(TestControlServer server, long version) {
    Poll.until(
        TIMEOUT,
        "status of policy " + version,
        () -> server.statuses.stream().anyMatch(s -> s.getPolicyVersion() == version));
    return server.statuses.stream()
        .filter(s -> s.getPolicyVersion() == version)
        .findFirst()
        .orElseThrow();
  }

  private static void awaitDrained(Agent agent, long captured) {
    Poll.until(
        TIMEOUT,
        captured + " frames captured and handled",
        () -> {
          AgentTotals totals = agent.totals();
          return totals.captured() == captured && totals.inFlight() == 0;
        });
  }
}
