package dev.tapwire.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC transport's settings: the collector's port and the TLS files. */
class GrpcSettingsTest {
  @TempDir Path dir;

  private static AgentConfig load(String collector, String... keyValues) {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put("interface", List.of("eth0"));
    flags.put("collector", List.of(collector));
    flags.put("encap", List.of("grpc"));
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], List.of(keyValues[i + 1]));
    }
    return AgentConfigLoader.load(
        new LayeredSettings(flags, Map.of(), AgentSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "-"));
  }

  @Test
  void theCollectorPortDefaultsTo7460AndMayBeGiven() {
    AgentConfig plain = load("collector.example");
    assertThat(plain.encapsulation()).isEqualTo(AgentEncapsulation.GRPC);
    assertThat(plain.collectorHost()).isEqualTo("collector.example");
    assertThat(plain.collectorPort()).isEqualTo(7460);
    assertThat(plain.tls().enabled()).isFalse();
    assertThat(load("198.18.0.2:9000").collectorPort()).isEqualTo(9000);
    assertThat(load("198.18.0.2:9000").collectorHost()).isEqualTo("198.18.0.2");
    assertThat(load("[2001:db8::2]:9001").collectorHost()).isEqualTo("2001:db8::2");
    assertThat(load("[2001:db8::2]:9001").collectorPort()).isEqualTo(9001);
    assertThat(load("2001:db8::2").collectorPort()).isEqualTo(7460);
  }

  @Test
  void badPortsAndHalfAClientCertificateFailFast() throws Exception {
    assertThatThrownBy(() -> load("198.18.0.2:0"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("collector");
    assertThatThrownBy(() -> load("[2001:db8::2]x"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("collector");
    Path cert = Files.writeString(dir.resolve("agent.pem"), "x");
    assertThatThrownBy(() -> load("198.18.0.2", "tls-cert", cert.toString()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("needs both --tls-cert and --tls-key");
    Path key = Files.writeString(dir.resolve("agent.key"), "x");
    AgentConfig mutual =
        load(
            "198.18.0.2",
            "tls-cert",
            cert.toString(),
            "tls-key",
            key.toString(),
            "tls-ca",
            cert.toString());
    assertThat(mutual.tls().enabled()).isTrue();
    assertThat(mutual.tls().key()).isEqualTo(key);
  }
}
