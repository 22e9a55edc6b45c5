package dev.tapwire.collector.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.AgentServiceGrpc;
import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.GetStatsRequest;
import dev.tapwire.proto.v1.InterfaceCounters;
import dev.tapwire.proto.v1.ListAgentsRequest;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.proto.v1.ReportStatsRequest;
import dev.tapwire.proto.v1.SetPolicyRequest;
import dev.tapwire.proto.v1.SetPolicyResponse;
import dev.tapwire.proto.v1.TapRequest;
import dev.tapwire.proto.v1.TapResponse;
import dev.tapwire.proto.v1.WatchPolicyRequest;
import dev.tapwire.proto.v1.WatchPolicyResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlServiceTest {
  private ControlTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new ControlTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RegisterResponse register(String host) {
    return server.agents().register(AgentRegistryTest.agent(host, 2));
  }

  private static SetPolicyRequest.Builder change(AgentSelector.Builder target) {
    return SetPolicyRequest.newBuilder()
        .setTarget(target)
        .setPolicy(
            CapturePolicy.newBuilder()
                .addInterfaces(CaptureInterface.newBuilder().setName("eth0"))
                .setBpfFilter("tcp port 443"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("interfaces").addPaths("bpf_filter"));
  }

  @Test
  void registerReturnsIdSessionsPolicyAndInterval() {
    RegisterResponse r = register("web-1");
    assertThat(r.getAgentId()).startsWith("web-1-");
    assertThat(r.getSessionIdsMap()).containsOnlyKeys("eth0", "eth1");
    assertThat(r.getPolicy().getPolicyVersion()).isEqualTo(1);
    assertThat(r.getPolicy().getDestination().getHost())
        .as("the collector address the agent reached")
        .isEqualTo("127.0.0.1");
    assertThat(Durations.toSeconds(r.getReportInterval())).isEqualTo(10);
    AgentInfo info = server.admin().listAgents(ListAgentsRequest.getDefaultInstance()).getAgents(0);
    assertThat(info.getPeerAddress()).startsWith("127.0.0.1:");
  }

  @Test
  void watchPolicyReceivesASetPolicyChange() {
    RegisterResponse r = register("web-1");
    Iterator<WatchPolicyResponse> stream =
        AgentServiceGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .watchPolicy(
                WatchPolicyRequest.newBuilder()
                    .setAgentId(r.getAgentId())
                    .setKnownPolicyVersion(0)
                    .build());
    assertThat(stream.next().getPolicy().getPolicyVersion())
        .as("stale version: current sent")
        .isEqualTo(1);
    SetPolicyResponse set =
        server.admin().setPolicy(change(AgentSelector.newBuilder().setAllAgents(true)).build());
    assertThat(set.getResults(0).getPolicyVersion()).isEqualTo(2);
    CapturePolicy pushed = stream.next().getPolicy();
    assertThat(pushed.getPolicyVersion()).isEqualTo(2);
    assertThat(pushed.getBpfFilter()).isEqualTo("tcp port 443");
    assertThat(pushed.getInterfaces(0).getSessionId()).isEqualTo(r.getSessionIdsMap().get("eth0"));
  }

  @Test
  void setPolicyWaitsForTheAgentsAnswerWithinApplyTimeout() throws Exception {
    RegisterResponse r = register("web-1");
    CompletableFuture<SetPolicyResponse> answer =
        CompletableFuture.supplyAsync(
            () ->
                server
                    .admin()
                    .setPolicy(
                        change(AgentSelector.newBuilder().setAgentId(r.getAgentId()))
                            .setApplyTimeout(Durations.fromSeconds(4))
                            .build()));
    // The agent sees version 2 on its stream and answers.
    Iterator<WatchPolicyResponse> stream =
        AgentServiceGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .watchPolicy(
                WatchPolicyRequest.newBuilder()
                    .setAgentId(r.getAgentId())
                    .setKnownPolicyVersion(1)
                    .build());
    long version = stream.next().getPolicy().getPolicyVersion();
    server
        .agents()
        .reportPolicyStatus(
            ReportPolicyStatusRequest.newBuilder()
                .setAgentId(r.getAgentId())
                .setPolicyVersion(version)
                .setStatus(PolicyStatus.POLICY_STATUS_APPLIED)
                .setExportSourceAddress("198.18.0.2")
                .build());
    SetPolicyResponse response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.getResults(0).getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_APPLIED);
    AgentInfo info = server.admin().listAgents(ListAgentsRequest.getDefaultInstance()).getAgents(0);
    assertThat(info.getAppliedPolicyVersion()).isEqualTo(2);
    assertThat(info.getExportSourceAddress()).isEqualTo("198.18.0.2");
  }

  @Test
  void aRejectedPolicyIsVisibleInListAgents() {
    RegisterResponse r = register("web-1");
    server.admin().setPolicy(change(AgentSelector.newBuilder().setAgentId(r.getAgentId())).build());
    server
        .agents()
        .reportPolicyStatus(
            ReportPolicyStatusRequest.newBuilder()
                .setAgentId(r.getAgentId())
                .setPolicyVersion(2)
                .setStatus(PolicyStatus.POLICY_STATUS_REJECTED)
                .setErrorMessage("eth0: no such device")
                .build());
    AgentInfo info =
        server
            .admin()
            .listAgents(
                ListAgentsRequest.newBuilder()
                    .setSelector(AgentSelector.newBuilder().setAgentId(r.getAgentId()))
                    .build())
            .getAgents(0);
    assertThat(info.getPolicyVersion()).isEqualTo(2);
    assertThat(info.getPolicyStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_REJECTED);
    assertThat(info.getPolicyErrorMessage()).isEqualTo("eth0: no such device");
  }

  @Test
  void reportStatsIsStoredAndGivesRates() {
    RegisterResponse r = register("web-1");
    server.agents().reportStats(stats(r.getAgentId(), 0, 0));
    server.agents().reportStats(stats(r.getAgentId(), 2_000_000_000L, 1_000));
    AgentInfo info = server.admin().listAgents(ListAgentsRequest.getDefaultInstance()).getAgents(0);
    assertThat(info.getStats().getInterfaces(0).getCapturedFrames()).isEqualTo(1_000);
    assertThat(info.getRates().getCapturedFramesPerSecond()).isEqualTo(500.0);
    assertThat(info.getRates().getSentBitsPerSecond()).isEqualTo(500.0 * 100 * 8);
  }

  private static ReportStatsRequest stats(String agentId, long timeNs, long frames) {
    return ReportStatsRequest.newBuilder()
        .setAgentId(agentId)
        .setAgentStartTimeUnixNanos(1)
        .setSnapshotTimeUnixNanos(1_000_000_000L + timeNs)
        .setStats(
            AgentStats.newBuilder()
                .addInterfaces(
                    InterfaceCounters.newBuilder()
                        .setInterfaceName("eth0")
                        .setCapturedFrames(frames)
                        .setSentFrames(frames)
                        .setSentBytes(frames * 100)))
        .build();
  }

  @Test
  void badRequestsFailWithClearStatuses() {
    RegisterResponse r = register("web-1");
    assertCode(
        () ->
            server
                .admin()
                .setPolicy(
                    change(AgentSelector.newBuilder().setAllAgents(true))
                        .setUpdateMask(FieldMask.getDefaultInstance())
                        .build()),
        Status.Code.INVALID_ARGUMENT);
    assertCode(
        () ->
            server
                .admin()
                .setPolicy(
                    change(AgentSelector.newBuilder().setAllAgents(true))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("policy_version"))
                        .build()),
        Status.Code.INVALID_ARGUMENT);
    assertCode(
        () ->
            server
                .admin()
                .setPolicy(change(AgentSelector.newBuilder().setAgentId("nobody")).build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () -> server.admin().getStats(GetStatsRequest.newBuilder().setAgentId("nobody").build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () ->
            server.admin().tap(TapRequest.newBuilder().setBpfFilter("tcp port").build()).hasNext(),
        Status.Code.INVALID_ARGUMENT);
    SetPolicyResponse badBpf =
        server
            .admin()
            .setPolicy(
                change(AgentSelector.newBuilder().setAgentId(r.getAgentId()))
                    .setPolicy(
                        CapturePolicy.newBuilder()
                            .addInterfaces(CaptureInterface.newBuilder().setName("eth0"))
                            .setBpfFilter("host 999.1.1.1"))
                    .build());
    assertThat(badBpf.getResults(0).getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_REJECTED);
    assertThat(badBpf.getResults(0).getErrorMessage()).contains("invalid BPF filter");
  }

  @Test
  void aTinyDeadlineFailsThatCallAndTheServerCarriesOn() {
    RegisterResponse r = register("web-1");
    Iterator<WatchPolicyResponse> watch =
        AgentServiceGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(200, TimeUnit.MILLISECONDS)
            .watchPolicy(
                WatchPolicyRequest.newBuilder()
                    .setAgentId(r.getAgentId())
                    .setKnownPolicyVersion(1)
                    .build());
    assertCode(watch::hasNext, Status.Code.DEADLINE_EXCEEDED);
    Iterator<TapResponse> tap =
        AdminServiceGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(200, TimeUnit.MILLISECONDS)
            .tap(TapRequest.getDefaultInstance());
    assertCode(tap::hasNext, Status.Code.DEADLINE_EXCEEDED);
    assertCode(
        () ->
            server
                .agents()
                .withDeadlineAfter(1, TimeUnit.NANOSECONDS)
                .reportStats(ReportStatsRequest.newBuilder().setAgentId(r.getAgentId()).build()),
        Status.Code.DEADLINE_EXCEEDED);
    assertThat(server.admin().listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsCount())
        .isEqualTo(1);
    assertThat(server.tap.clientCount()).as("the expired tap is gone").isZero();
  }

  @Test
  void healthReportsServing() {
    HealthCheckResponse all =
        HealthGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
    assertThat(all.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    HealthCheckResponse admin =
        HealthGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(
                HealthCheckRequest.newBuilder().setService(AdminServiceGrpc.SERVICE_NAME).build());
    assertThat(admin.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  static void assertCode(Runnable call, Status.Code code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
