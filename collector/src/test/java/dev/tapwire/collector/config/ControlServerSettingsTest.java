package dev.tapwire.collector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerSettingsTest {
  @TempDir Path dir;

  private static ControlServerSettings load(
      Map<String, List<String>> flags, Map<String, String> env) {
    return CollectorConfigLoader.load(
            new LayeredSettings(flags, env, CollectorSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "-"))
        .control();
  }

  @Test
  void theControlPlaneIsOnByDefaultOnPort7460WithoutTls() {
    ControlServerSettings settings = load(Map.of(), Map.of());
    assertThat(settings.enabled()).isTrue();
    assertThat(settings.port()).isEqualTo(7460);
    assertThat(settings.address()).isNull();
    assertThat(settings.tls()).isFalse();
    assertThat(settings.reportIntervalNs()).isEqualTo(10_000_000_000L);
  }

  @Test
  void theEnvironmentSetsThePortAndZeroDisables() {
    assertThat(load(Map.of(), Map.of("TAPWIRE_COLLECTOR_GRPC_PORT", "0")).enabled()).isFalse();
    assertThat(load(Map.of("grpc-port", List.of("7461")), Map.of()).port()).isEqualTo(7461);
  }

  @Test
  void tlsFilesGoTogetherAndAreReadAtStart() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path key = Files.writeString(dir.resolve("k.pem"), "x");
    assertThat(
            load(
                    Map.of(
                        "tls-cert", List.of(cert.toString()), "tls-key", List.of(key.toString())),
                    Map.of())
                .tls())
        .isTrue();
    assertThatThrownBy(() -> load(Map.of("tls-cert", List.of(cert.toString())), Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("tls-cert and tls-key go together");
    // Files are read when the control plane starts (ServerTls names a missing one), so that a
    // configuration can be loaded and checked where the certificates are not installed.
    Path missing = dir.resolve("missing.pem");
    assertThat(
            load(
                    Map.of(
                        "tls-cert",
                        List.of(missing.toString()),
                        "tls-key",
                        List.of(key.toString())),
                    Map.of())
                .tlsCert())
        .isEqualTo(missing);
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "tls-cert", List.of(cert.toString()),
                        "tls-key", List.of(key.toString()),
                        "admin-client-cn", List.of("alice")),
                    Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("need tls-ca");
  }
}
