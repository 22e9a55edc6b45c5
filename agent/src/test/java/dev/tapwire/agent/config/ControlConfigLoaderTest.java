package dev.tapwire.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.runtime.config.LayeredSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlConfigLoaderTest {
  @TempDir Path dir;

  private static ControlConfig load(Map<String, List<String>> extra, Map<String, String> env) {
    Map<String, List<String>> flags = new HashMap<>(extra);
    flags.put("interface", List.of("eth0"));
    flags.put("collector", List.of("198.18.0.2"));
    return AgentConfigLoader.load(
            new LayeredSettings(flags, env, AgentSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "-"))
        .control();
  }

  @Test
  void onByDefaultOnPort7460InPlaintext() {
    ControlConfig control = load(Map.of(), Map.of());
    assertThat(control.enabled()).isTrue();
    assertThat(control.port()).isEqualTo(7460);
    assertThat(control.tls()).isFalse();
    assertThat(control.labels()).isEmpty();
  }

  @Test
  void offWithNoControlOrPortZero() {
    assertThat(load(Map.of("control", List.of("false")), Map.of()).enabled()).isFalse();
    assertThat(load(Map.of(), Map.of("TAPWIRE_AGENT_CONTROL_PORT", "0")).enabled()).isFalse();
  }

  @Test
  void labelsAreRepeatableAndChecked() {
    ControlConfig control = load(Map.of("label", List.of("zone=b", "rack=r12", "team=")), Map.of());
    assertThat(control.labels()).containsEntry("zone", "b").containsEntry("rack", "r12");
    assertThat(control.labels()).containsEntry("team", "");
    assertThat(load(Map.of(), Map.of("TAPWIRE_AGENT_LABEL", "node-7")).labels())
        .as("a bare value names the node")
        .containsExactly(Map.entry("node", "node-7"));
    assertThatThrownBy(() -> load(Map.of("label", List.of("=b")), Map.of()))
        .hasMessageContaining("label = '=b'")
        .hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(() -> load(Map.of("label", List.of("a=1", "a=2")), Map.of()))
        .hasMessageContaining("given twice");
  }

  @Test
  void tlsFilesMustBeReadableAndComeInPairs() throws Exception {
    Path cert = Files.writeString(dir.resolve("agent.pem"), "x");
    Path key = Files.writeString(dir.resolve("agent.key"), "x");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    ControlConfig control =
        load(
            Map.of(
                "tls-cert", List.of(cert.toString()),
                "tls-key", List.of(key.toString()),
                "tls-ca", List.of(ca.toString())),
            Map.of());
    assertThat(control.tls()).isTrue();
    assertThat(control.tlsTrustedCertificates()).isEqualTo(ca);
    assertThatThrownBy(() -> load(Map.of("tls-cert", List.of(cert.toString())), Map.of()))
        .hasMessageContaining("needs both --tls-cert and --tls-key");
  }
}
