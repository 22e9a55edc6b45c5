package dev.tapwire.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.runtime.config.LayeredSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigLoaderTest {
  private static AgentConfig load(Map<String, List<String>> flags, Map<String, String> env) {
    return AgentConfigLoader.load(
        new LayeredSettings(flags, env, AgentSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "-"));
  }

  @Test
  void defaults() {
    AgentConfig config =
        load(Map.of("interface", List.of("eth0"), "collector", List.of("198.18.0.2")), Map.of());
    assertThat(config.encapsulation()).isEqualTo(AgentEncapsulation.ERSPAN3);
    assertThat(config.snapLenBytes()).isEqualTo(65_535);
    assertThat(config.promiscuous()).isTrue();
    assertThat(config.kernelBufferBytes()).isEqualTo(32 * 1024 * 1024);
    assertThat(config.sampleOneInN()).isEqualTo(1);
    assertThat(config.truncateOversize()).isTrue();
    assertThat(config.sessionIdFor(0)).isEqualTo(1);
    assertThat(config.sessionIdFor(1)).isEqualTo(2);
    assertThat(config.direction()).isEqualTo(CaptureDirection.INOUT);
    assertThat(config.immediateMode()).isTrue();
    assertThat(config.queueFrames()).isEqualTo(AgentConfigLoader.DEFAULT_QUEUE_FRAMES);
  }

  @Test
  void environmentOverridesAndFixedSessionIds() {
    AgentConfig config =
        load(
            Map.of("interface", List.of("eth0", "eth1"), "session-id", List.of("100")),
            Map.of("TAPWIRE_AGENT_COLLECTOR", "collector.example", "TAPWIRE_AGENT_ENCAP", "vxlan"));
    assertThat(config.collectorHost()).isEqualTo("collector.example");
    assertThat(config.encapsulation()).isEqualTo(AgentEncapsulation.VXLAN);
    assertThat(config.sessionIdFor(0)).isEqualTo(100);
    assertThat(config.sessionIdFor(1)).isEqualTo(101);
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> load(Map.of("collector", List.of("c")), Map.of()))
        .hasMessageContaining("give at least one -i IFACE");
    assertThatThrownBy(() -> load(Map.of("interface", List.of("eth0")), Map.of()))
        .hasMessageContaining("give --collector HOST");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "interface", List.of("eth0"),
                        "collector", List.of("c"),
                        "session-id", List.of("1024")),
                    Map.of()))
        .hasMessageContaining("session-id = '1024' (from flag --session-id)");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "interface", List.of("eth0"),
                        "collector", List.of("c"),
                        "encap", List.of("gre")),
                    Map.of()))
        .hasMessageContaining("expected one of erspan3, erspan2, teb, vxlan");
  }

  @Test
  void directionAndImmediateModeComeFromTheEnvironmentToo() {
    AgentConfig config =
        load(
            Map.of("interface", List.of("eth0"), "collector", List.of("198.18.0.2")),
            Map.of("TAPWIRE_AGENT_DIRECTION", "out", "TAPWIRE_AGENT_IMMEDIATE_MODE", "false"));
    assertThat(config.direction()).isEqualTo(CaptureDirection.OUT);
    assertThat(config.immediateMode()).isFalse();
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "interface", List.of("eth0"),
                        "collector", List.of("198.18.0.2"),
                        "direction", List.of("sideways")),
                    Map.of()))
        .hasMessageContaining("direction = 'sideways'");
  }
}
