package dev.tapwire.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.InterfaceCounters;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.LinkType;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.testkit.Poll;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control client against a test AgentService on loopback, with a recording data plane. */
class ControlClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ControlTimings FAST =
      new ControlTimings(
          Duration.ofMillis(500),
          Duration.ofSeconds(2),
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          Duration.ofMillis(200));

  private final RecordingTarget target = new RecordingTarget();
  private final ControlState state = new ControlState();
  private TestControlServer server;
  private ManagedChannel channel;
  private ControlClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private void startClient(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    client =
        new ControlClient(
                channel,
                target,
                () ->
                    RegisterRequest.newBuilder()
                        .setHostName(HostDescription.hostName())
                        .setAgentVersion("test")
                        .putLabels("zone", "b")
                        .addAllInterfaces(HostDescription.interfaces())
                        .setCapabilities(HostDescription.capabilities(true))
                        .build(),
                FAST,
                state,
                new Backoff(FAST.firstRetry().toNanos(), FAST.maxRetry().toNanos(), new Random(1)),
                System::currentTimeMillis)
            .start();
  }

  private static CapturePolicy policy(long version, String filter) {
    return CapturePolicy.newBuilder()
        .setPolicyVersion(version)
        .setBpfFilter(filter)
        .setEncapsulation(Encapsulation.ENCAPSULATION_ERSPAN_II)
        .addInterfaces(CaptureInterface.newBuilder().setName("lo").setSessionId(7))
        .build();
  }

  @Test
  void registersWithHostInterfacesCapabilitiesAndLabels() throws Exception {
    server = TestControlServer.start();
    startClient(server.port());
    Poll.until(TIMEOUT, "registered", () -> state.connected());

    RegisterRequest request = server.registers.get(0);
    assertThat(request.getPreviousAgentId()).isEmpty();
    assertThat(request.getHostName()).isNotBlank();
    assertThat(request.getLabelsMap()).containsEntry("zone", "b");
    InterfaceInfo lo =
        request.getInterfacesList().stream()
            .filter(i -> i.getName().equals("lo"))
            .findFirst()
            .orElseThrow();
    assertThat(lo.getInterfaceIndex()).isEqualTo(1);
    assertThat(lo.getMtuBytes()).isPositive();
    assertThat(lo.getLinkType()).isEqualTo(LinkType.LINK_TYPE_ETHERNET);
    assertThat(lo.getAddressesList()).contains("127.0.0.1/8");
    assertThat(request.getCapabilities().getEncapsulationsList())
        .containsExactlyInAnyOrder(
            Encapsulation.ENCAPSULATION_ERSPAN_II,
            Encapsulation.ENCAPSULATION_ERSPAN_III,
            Encapsulation.ENCAPSULATION_TEB,
            Encapsulation.ENCAPSULATION_VXLAN);
    assertThat(request.getCapabilities().getNanosecondTimestamps()).isTrue();
    assertThat(request.getCapabilities().getOsName()).isEqualTo("Linux");
    assertThat(state.agentId()).isEqualTo("agent-1");

    // Then a policy stream from version 0 and reports every interval, with the agent id.
    Poll.until(TIMEOUT, "a WatchPolicy call", () -> !server.watches.isEmpty());
    assertThat(server.watches.get(0).getAgentId()).isEqualTo("agent-1");
    assertThat(server.watches.get(0).getKnownPolicyVersion()).isZero();
    Poll.until(TIMEOUT, "three stats reports", () -> server.stats.size() >= 3);
    assertThat(server.stats.get(0).getAgentId()).isEqualTo("agent-1");
    assertThat(server.stats.get(0).getStats().getInterfaces(0).getCapturedFrames()).isEqualTo(42);
    assertThat(server.stats.get(0).getAgentStartTimeUnixNanos()).isPositive();
    assertThat(target.applied).as("no policy (version 0) applies nothing").isEmpty();
  }

  @Test
  void appliesThePolicyOfRegisterAndEveryPushedVersionAndReportsEach() throws Exception {
    server = TestControlServer.start();
    server.sessionIds.put("lo", 9);
    server.setPolicy(policy(1, "udp"));
    startClient(server.port());
    Poll.until(TIMEOUT, "status of version 1", () -> server.statuses.size() == 1);
    assertThat(target.applied).extracting(CapturePolicy::getPolicyVersion).containsExactly(1L);
    assertThat(target.sessionIdsSeen.get(0)).containsEntry("lo", 9);
    ReportPolicyStatusRequest first = server.statuses.get(0);
    assertThat(first.getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
    assertThat(first.getPolicyVersion()).isEqualTo(1);
    assertThat(first.getAgentId()).isEqualTo("agent-1");
    assertThat(first.getExportSourceAddress()).isEqualTo("198.18.0.1");
    Poll.until(
        TIMEOUT,
        "a watch from version 1",
        () ->
            server.watches.stream().anyMatch(w -> w.getKnownPolicyVersion() == 1)
                && server.openWatches.get() == 1);

    server.setPolicy(policy(2, "udp port 9"));
    Poll.until(TIMEOUT, "status of version 2", () -> server.statuses.size() == 2);
    assertThat(target.applied)
        .extracting(CapturePolicy::getBpfFilter)
        .containsExactly("udp", "udp port 9");
    assertThat(state.policyVersion()).isEqualTo(2);
    Poll.until(
        TIMEOUT,
        "stats under version 2",
        () -> server.stats.stream().anyMatch(s -> s.getPolicyVersion() == 2));
  }

  @Test
  void aRejectedPolicyIsReportedWithItsErrorAndTheVersionInForceStays() throws Exception {
    server = TestControlServer.start();
    server.setPolicy(policy(1, "udp"));
    startClient(server.port());
    Poll.until(TIMEOUT, "status of version 1", () -> server.statuses.size() == 1);
    Poll.until(TIMEOUT, "a watch", () -> server.openWatches.get() == 1);

    server.setPolicy(policy(2, "bad filter"));
    Poll.until(TIMEOUT, "status of version 2", () -> server.statuses.size() == 2);
    ReportPolicyStatusRequest status = server.statuses.get(1);
    assertThat(status.getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_REJECTED);
    assertThat(status.getPolicyVersion()).isEqualTo(2);
    assertThat(status.getErrorMessage()).contains("bad filter");
    assertThat(state.policyVersion()).isEqualTo(1);
    assertThat(state.policiesRejected()).isEqualTo(1);
  }

  @Test
  void collectorDownAtStartThenUpIsJoinedWithBackoff() throws Exception {
    int port = freePort();
    startClient(port);
    Poll.until(TIMEOUT, "three failed attempts", () -> state.lastError().contains("UNAVAILABLE"));
    assertThat(state.connected()).isFalse();
    server = TestControlServer.start(port);
    Poll.until(TIMEOUT, "registered once the collector is up", () -> state.connected());
    assertThat(server.registers).hasSize(1);
  }

  @Test
  void aRestartedCollectorIsRejoinedUnderThePreviousAgentId() throws Exception {
    server = TestControlServer.start();
    int port = server.port();
    server.setPolicy(policy(3, "udp"));
    startClient(port);
    Poll.until(TIMEOUT, "a watch", () -> server.openWatches.get() == 1);
    server.close();
    Poll.until(TIMEOUT, "disconnected", () -> !state.connected());

    server = TestControlServer.start(port);
    server.setPolicy(policy(3, "udp"));
    Poll.until(TIMEOUT, "registered again", () -> state.connected() && !server.statuses.isEmpty());
    assertThat(server.registers.get(0).getPreviousAgentId()).isEqualTo("agent-1");
    assertThat(target.applied).as("the same policy is not applied twice").hasSize(1);
    assertThat(server.statuses.get(0).getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
    assertThat(server.statuses.get(0).getPolicyVersion()).isEqualTo(3);
  }

  @Test
  void notFoundLeadsToRegisteringAgain() throws Exception {
    server = TestControlServer.start();
    startClient(server.port());
    Poll.until(TIMEOUT, "reports", () -> server.stats.size() >= 1);
    server.forgetAgents(true);
    Poll.until(TIMEOUT, "a second registration", () -> server.registers.size() >= 2);
    server.forgetAgents(false);
    assertThat(server.registers.get(1).getPreviousAgentId()).isEqualTo("agent-1");
    int reports = server.stats.size();
    Poll.until(TIMEOUT, "reports again", () -> server.stats.size() > reports);
  }

  @Test
  void aRegisterPastItsDeadlineIsRetried() throws Exception {
    server = TestControlServer.start();
    server.holdRegister();
    startClient(server.port());
    Poll.until(TIMEOUT, "two attempts", () -> server.registers.size() >= 2);
    assertThat(state.lastError()).contains("DEADLINE_EXCEEDED");
    assertThat(state.connected()).isFalse();
    server.releaseRegister();
    Poll.until(TIMEOUT, "registered", () -> state.connected());
  }

  @Test
  void theWatchIsRenewedBeforeItsDeadline() throws Exception {
    server = TestControlServer.start();
    server.setPolicy(policy(1, "udp"));
    startClient(server.port());
    Poll.until(TIMEOUT, "three watch calls", () -> server.watches.size() >= 3);
    assertThat(server.watches).allMatch(w -> w.getKnownPolicyVersion() == 1);
    assertThat(server.registers).as("renewing is not reconnecting").hasSize(1);
    assertThat(target.applied).hasSize(1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Applies whatever has no "bad" in its filter; counts 42 captured frames on lo. */
  private static final class RecordingTarget implements PolicyTarget {
    final List<CapturePolicy> applied = new CopyOnWriteArrayList<>();
    final List<Map<String, Integer>> sessionIdsSeen = new CopyOnWriteArrayList<>();

    @Override
    public PolicyOutcome apply(CapturePolicy policy, Map<String, Integer> sessionIds) {
      sessionIdsSeen.add(sessionIds);
      if (policy.getBpfFilter().contains("bad")) {
        return PolicyOutcome.rejected(
            "invalid policy field bpf_filter = '" + policy.getBpfFilter() + "'", "198.18.0.1");
      }
      applied.add(policy);
      return PolicyOutcome.applied("198.18.0.1");
    }

    @Override
    public void assignSessions(Map<String, Integer> sessionIds) {
      sessionIdsSeen.add(sessionIds);
    }

    @Override
    public AgentStats stats() {
      return AgentStats.newBuilder()
          .addInterfaces(
              InterfaceCounters.newBuilder().setInterfaceName("lo").setCapturedFrames(42))
          .build();
    }

    @Override
    public boolean nanosecondTimestamps() {
      return true;
    }
  }
}
