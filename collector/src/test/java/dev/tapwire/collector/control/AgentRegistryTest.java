package dev.tapwire.collector.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.FieldMask;
import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.AgentState;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.LabelSelector;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.proto.v1.ReportStatsRequest;
import dev.tapwire.proto.v1.SetPolicyRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {
  private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

  private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000_000L);
  private final AgentRegistry registry = new AgentRegistry(clock::get, INTERVAL_NS);

  static RegisterRequest agent(String host, int interfaces) {
    RegisterRequest.Builder request = RegisterRequest.newBuilder().setHostName(host);
    for (int i = 0; i < interfaces; i++) {
      request.addInterfaces(InterfaceInfo.newBuilder().setName("eth" + i));
    }
    return request.build();
  }

  @Test
  void sessionIdsAreUniqueAcrossAgentsAndInTheTenBitSpace() {
    Set<Integer> seen = new HashSet<>();
    for (int a = 0; a < 20; a++) {
      RegisterResponse r = registry.register(agent("host-" + a, 5), "", "198.18.0.1");
      assertThat(r.getSessionIdsMap()).hasSize(5);
      for (int id : r.getSessionIdsMap().values()) {
        assertThat(id).isBetween(0, 1023);
        assertThat(seen.add(id)).as("session %d handed out twice", id).isTrue();
      }
    }
    assertThat(registry.sessionsInUse()).isEqualTo(100);
  }

  @Test
  void reRegistrationKeepsTheIdAndTheSessionsAndAddsNewInterfaces() {
    RegisterResponse first = registry.register(agent("web-1", 2), "", "");
    RegisterResponse again =
        registry.register(
            agent("web-1", 3).toBuilder().setPreviousAgentId(first.getAgentId()).build(), "", "");
    assertThat(again.getAgentId()).isEqualTo(first.getAgentId());
    assertThat(again.getSessionIdsMap()).containsAllEntriesOf(first.getSessionIdsMap());
    assertThat(again.getSessionIdsMap()).hasSize(3);
    assertThat(registry.list(AgentSelector.getDefaultInstance())).hasSize(1);
  }

  @Test
  void pastTheLastSessionIdRegistrationIsRefusedAndCounted() {
    for (int a = 0; a < 64; a++) {
      registry.register(agent("full-" + a, 16), "", "");
    }
    assertThat(registry.sessionsInUse()).isEqualTo(1024);
    assertThatThrownBy(() -> registry.register(agent("one-more", 1), "", ""))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("1024");
            });
    assertThat(registry.registrationsRefused()).isEqualTo(1);
    assertThat(registry.list(AgentSelector.getDefaultInstance())).hasSize(64);
  }

  @Test
  void disconnectedAgentsGiveTheirSessionIdsToNewOnes() {
    List<String> ids = new ArrayList<>();
    for (int a = 0; a < 64; a++) {
      ids.add(registry.register(agent("full-" + a, 16), "", "").getAgentId());
    }
    clock.addAndGet(2 * INTERVAL_NS);
    for (int a = 1; a < 64; a++) {
      registry.reportStats(ReportStatsRequest.newBuilder().setAgentId(ids.get(a)).build());
    }
    clock.addAndGet(2 * INTERVAL_NS); // agent 0: 4 intervals silent; the others: 2
    RegisterResponse r = registry.register(agent("newcomer", 3), "", "");
    assertThat(r.getSessionIdsMap()).hasSize(3);
    assertThat(registry.agentsReclaimed()).isEqualTo(1);
    assertThat(registry.list(AgentSelector.newBuilder().setAgentId(ids.get(0)).build())).isEmpty();
  }

  @Test
  void stateFollowsReportsAndOpenWatches() {
    String id = registry.register(agent("web-1", 1), "", "").getAgentId();
    assertThat(state(id)).isEqualTo(AgentState.AGENT_STATE_CONNECTED);
    clock.addAndGet(INTERVAL_NS * 25 / 10);
    assertThat(state(id)).isEqualTo(AgentState.AGENT_STATE_STALE);
    clock.addAndGet(INTERVAL_NS);
    assertThat(state(id)).isEqualTo(AgentState.AGENT_STATE_DISCONNECTED);
    PolicyWatch watch = p -> true;
    registry.watch(id, 0, watch);
    assertThat(state(id)).as("open watch, reports late").isEqualTo(AgentState.AGENT_STATE_STALE);
    registry.reportStats(ReportStatsRequest.newBuilder().setAgentId(id).build());
    assertThat(state(id)).isEqualTo(AgentState.AGENT_STATE_CONNECTED);
    registry.unwatch(id, watch);
    clock.addAndGet(INTERVAL_NS * 35 / 10);
    assertThat(state(id)).isEqualTo(AgentState.AGENT_STATE_DISCONNECTED);
  }

  @Test
  void unknownAgentIdsAreNotFound() {
    assertThatThrownBy(
            () -> registry.reportStats(ReportStatsRequest.newBuilder().setAgentId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void aPolicyChangeIsPushedVersionedAndItsRejectionIsVisible() {
    RegisterResponse r = registry.register(agent("web-1", 2), "", "198.18.0.1");
    assertThat(r.getPolicy().getPolicyVersion()).isEqualTo(1);
    assertThat(r.getPolicy().getDestination().getHost()).isEqualTo("198.18.0.1");
    List<CapturePolicy> pushed = new ArrayList<>();
    registry.watch(r.getAgentId(), 1, p -> pushed.add(p));
    assertThat(pushed).as("already at version 1").isEmpty();

    var results =
        registry.setPolicy(
            SetPolicyRequest.newBuilder()
                .setTarget(AgentSelector.newBuilder().setAgentId(r.getAgentId()))
                .setPolicy(
                    CapturePolicy.newBuilder()
                        .addInterfaces(CaptureInterface.newBuilder().setName("eth1"))
                        .setSnapLenBytes(128))
                .setUpdateMask(
                    FieldMask.newBuilder().addPaths("interfaces").addPaths("snap_len_bytes"))
                .build());
    assertThat(results)
        .singleElement()
        .satisfies(
            res -> {
              assertThat(res.getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_PENDING);
              assertThat(res.getPolicyVersion()).isEqualTo(2);
            });
    assertThat(pushed)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPolicyVersion()).isEqualTo(2);
              assertThat(p.getSnapLenBytes()).isEqualTo(128);
              assertThat(p.getInterfaces(0).getSessionId())
                  .as("the collector fills in the interface's session id")
                  .isEqualTo(r.getSessionIdsMap().get("eth1"));
              assertThat(p.getDestination().getHost())
                  .as("fields outside the mask kept")
                  .isEqualTo("198.18.0.1");
            });

    registry.reportPolicyStatus(
        ReportPolicyStatusRequest.newBuilder()
            .setAgentId(r.getAgentId())
            .setPolicyVersion(2)
            .setStatus(PolicyStatus.POLICY_STATUS_REJECTED)
            .setErrorMessage("invalid bpf_filter: syntax error")
            .build());
    AgentInfo info = registry.list(AgentSelector.getDefaultInstance()).getFirst();
    assertThat(info.getPolicyVersion()).isEqualTo(2);
    assertThat(info.getPolicyStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_REJECTED);
    assertThat(info.getPolicyErrorMessage()).isEqualTo("invalid bpf_filter: syntax error");
    assertThat(info.getAppliedPolicyVersion()).isZero();
  }

  @Test
  void theCollectorRejectsWhatItCanCheck() {
    String id = registry.register(agent("web-1", 1), "", "").getAgentId();
    assertThat(reject(id, CapturePolicy.newBuilder().setSnapLenBytes(10), "snap_len_bytes"))
        .contains("snap_len_bytes 10");
    assertThat(
            reject(
                id,
                CapturePolicy.newBuilder()
                    .addInterfaces(CaptureInterface.newBuilder().setName("wlan9")),
                "interfaces"))
        .contains("no interface wlan9");
    assertThat(reject(id, CapturePolicy.newBuilder().setBpfFilter("tcp port"), "bpf_filter"))
        .contains("invalid BPF filter 'tcp port'");
    assertThat(reject(id, CapturePolicy.newBuilder(), "encapsulation")).contains("encapsulation");
    assertThat(registry.list(AgentSelector.getDefaultInstance()).getFirst().getPolicyVersion())
        .as("nothing rejected became a version")
        .isEqualTo(1);
  }

  private String reject(String id, CapturePolicy.Builder policy, String path) {
    var results =
        registry.setPolicy(
            SetPolicyRequest.newBuilder()
                .setTarget(AgentSelector.newBuilder().setAgentId(id))
                .setPolicy(policy)
                .setUpdateMask(FieldMask.newBuilder().addPaths(path))
                .build());
    assertThat(results.getFirst().getStatus()).isEqualTo(PolicyStatus.POLICY_STATUS_REJECTED);
    return results.getFirst().getErrorMessage();
  }

  @Test
  void agentsRegisteringLaterReplayMatchingChanges() {
    registry.setPolicy(
        SetPolicyRequest.newBuilder()
            .setTarget(
                AgentSelector.newBuilder()
                    .setLabels(LabelSelector.newBuilder().putMatchLabels("zone", "b")))
            .setPolicy(CapturePolicy.newBuilder().setSampleOneInNFrames(8))
            .setUpdateMask(FieldMask.newBuilder().addPaths("sample_one_in_n_frames"))
            .build());
    RegisterResponse inZone =
        registry.register(agent("b-1", 1).toBuilder().putLabels("zone", "b").build(), "", "");
    RegisterResponse elsewhere =
        registry.register(agent("a-1", 1).toBuilder().putLabels("zone", "a").build(), "", "");
    assertThat(inZone.getPolicy().getSampleOneInNFrames()).isEqualTo(8);
    assertThat(inZone.getPolicy().getPolicyVersion()).isEqualTo(1);
    assertThat(elsewhere.getPolicy().getSampleOneInNFrames()).isZero();
  }

  private AgentState state(String id) {
    return registry.list(AgentSelector.newBuilder().setAgentId(id).build()).getFirst().getState();
  }
}
