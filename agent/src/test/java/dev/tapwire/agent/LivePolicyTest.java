package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.AgentConfigLoader;
import dev.tapwire.agent.config.AgentEncapsulation;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.Endpoint;
import dev.tapwire.proto.v1.OversizeAction;
import dev.tapwire.runtime.config.LayeredSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LivePolicyTest {
  private static final AgentConfig LOCAL =
      AgentConfigLoader.load(
          new LayeredSettings(
              Map.of(
                  "interface", List.of("eth0", "eth1"),
                  "collector", List.of("198.18.0.2"),
                  "path-mtu", List.of("9000"),
                  "rate-limit-pps", List.of("5")),
              Map.of(),
              AgentSettingKeys.ENVIRONMENT_PREFIX,
              Map.of(),
              "-"));

  @Test
  void thePolicyReplacesWhatItCarriesAndDefaultsWhatItLeavesAtZero() throws Exception {
    CapturePolicy policy =
        CapturePolicy.newBuilder()
            .setPolicyVersion(4)
            .setBpfFilter(" udp port 9 ")
            .setEncapsulation(Encapsulation.ENCAPSULATION_VXLAN)
            .setDestination(Endpoint.newBuilder().setHost("198.18.0.9").setPort(4790))
            .setSampleOneInNFrames(0)
            .setPromiscuous(false)
            .setOversizeAction(OversizeAction.OVERSIZE_ACTION_FRAGMENT)
            .build();
    AgentConfig config = LivePolicy.toConfig(LOCAL, policy);
    assertThat(config.filter()).isEqualTo("udp port 9");
    assertThat(config.encapsulation()).isEqualTo(AgentEncapsulation.VXLAN);
    assertThat(config.collectorHost()).isEqualTo("198.18.0.9");
    assertThat(config.vxlanPort()).isEqualTo(4790);
    assertThat(config.sampleOneInN()).isEqualTo(1);
    assertThat(config.promiscuous()).isFalse();
    assertThat(config.truncateOversize()).isFalse();
    assertThat(config.snapLenBytes()).as("0 is the whole frame").isEqualTo(262_144);
    assertThat(config.pathMtuBytes()).as("0 keeps the local path MTU").isEqualTo(9000);
    assertThat(config.kernelBufferBytes()).isEqualTo(LOCAL.kernelBufferBytes());
    assertThat(config.rateLimitPacketsPerSecond()).as("a policy limit of 0 is no limit").isZero();
    assertThat(config.interfaces()).isEqualTo(LOCAL.interfaces());
  }

  @Test
  void unsupportedOrOutOfRangeValuesAreRejectedByName() {
    assertThatThrownBy(
            () ->
                LivePolicy.toConfig(
                    LOCAL,
                    CapturePolicy.newBuilder()
                        .setEncapsulation(Encapsulation.ENCAPSULATION_GRE_IN_UDP)
                        .build()))
        .hasMessage(
            "invalid policy field encapsulation = 'ENCAPSULATION_GRE_IN_UDP': this agent does"
                + " not send it");
    assertThatThrownBy(
            () ->
                LivePolicy.toConfig(LOCAL, CapturePolicy.newBuilder().setSnapLenBytes(10).build()))
        .hasMessageContaining("snap_len_bytes = '10'");
    assertThatThrownBy(
            () ->
                LivePolicy.toConfig(LOCAL, CapturePolicy.newBuilder().setPathMtuBytes(100).build()))
        .hasMessageContaining("path_mtu_bytes = '100'");
  }

  @Test
  void sessionIdsComeFromThePolicyThenTheReservationAndUnnamedInterfacesPause() throws Exception {
    CapturePolicy policy =
        CapturePolicy.newBuilder()
            .addInterfaces(CaptureInterface.newBuilder().setName("eth1"))
            .build();
    int[] ids =
        LivePolicy.sessions(List.of("eth0", "eth1"), policy, Map.of("eth1", 40), new int[] {1, 2});
    assertThat(ids).containsExactly(-1, 40);

    CapturePolicy both =
        CapturePolicy.newBuilder()
            .addInterfaces(CaptureInterface.newBuilder().setName("eth0").setSessionId(7))
            .addInterfaces(CaptureInterface.newBuilder().setName("eth1"))
            .build();
    assertThat(LivePolicy.sessions(List.of("eth0", "eth1"), both, Map.of(), new int[] {1, 2}))
        .containsExactly(7, 2);
  }

  @Test
  void anInterfaceNotCapturedOrASessionUsedTwiceIsRejected() {
    CapturePolicy other =
        CapturePolicy.newBuilder()
            .addInterfaces(CaptureInterface.newBuilder().setName("eth9"))
            .build();
    assertThatThrownBy(() -> LivePolicy.sessions(List.of("eth0"), other, Map.of(), new int[] {1}))
        .hasMessageContaining("interfaces = 'eth9'")
        .hasMessageContaining("captures only eth0");
    CapturePolicy twice =
        CapturePolicy.newBuilder()
            .addInterfaces(CaptureInterface.newBuilder().setName("eth0").setSessionId(3))
            .addInterfaces(CaptureInterface.newBuilder().setName("eth1").setSessionId(3))
            .build();
    assertThatThrownBy(
            () -> LivePolicy.sessions(List.of("eth0", "eth1"), twice, Map.of(), new int[] {1, 2}))
        .hasMessageContaining("used twice");
  }
}
