package dev.tapwire.collector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.collector.sink.file.FileSinkOptions;
import dev.tapwire.collector.sink.mirror.MirrorOptions;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorConfigLoaderTest {
  private static CollectorConfig load(Map<String, List<String>> flags, Map<String, String> env) {
    return CollectorConfigLoader.load(
        new LayeredSettings(flags, env, CollectorSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "-"));
  }

  @Test
  void defaultsAreUsefulOnTheirOwn() {
    CollectorConfig config = load(Map.of(), Map.of());
    assertThat(config.greEnabled()).isTrue();
    assertThat(config.vxlanPort()).isEqualTo(4789);
    assertThat(config.greInUdpPort()).isEqualTo(4754);
    assertThat(config.filesEnabled()).isTrue();
    assertThat(config.outputDirectory()).isEqualTo(Path.of("captures"));
    assertThat(config.fileFormat()).isEqualTo("pcapng");
    assertThat(config.mergeWindowNs()).isEqualTo(20_000_000L);
    assertThat(config.lateFramesDelivered()).isTrue();
    assertThat(config.allowlist().allowsAll()).isTrue();
    assertThat(config.sessionAllowlist().allowsAll()).isTrue();
    assertThat(config.listenAddresses()).hasSize(2);
    assertThat(config.mirrorEnabled()).isFalse();
    assertThat(config.queueFrames()).isEqualTo(65_536);
  }

  @Test
  void eachSinkQueueTakesHalfThePoolSoThatAStuckSinkCannotStarveTheOthers() {
    CollectorConfig config =
        load(Map.of("queue-frames", List.of("4096"), "mirror-nic", List.of("mirror0")), Map.of());
    assertThat(config.queueFrames()).isEqualTo(4096);
    assertThat(config.sinkQueueFrames()).isEqualTo(2048);
    assertThat(FileSinkOptions.from(config).queueFrames()).isEqualTo(2048);
    assertThat(MirrorOptions.from(config).queueFrames()).isEqualTo(2048);
  }

  @Test
  void flagsAndEnvironmentAreApplied() {
    CollectorConfig config =
        load(
            Map.of(
                "allow", List.of("198.18.0.0/15", "2001:db8::/32"),
                "rotate-size-mb", List.of("100"),
                "late-policy", List.of("drop")),
            Map.of("TAPWIRE_COLLECTOR_MIRROR_NIC", "mirror0", "TAPWIRE_COLLECTOR_GRE", "false"));
    assertThat(config.rotateSizeBytes()).isEqualTo(100_000_000L);
    assertThat(config.lateFramesDelivered()).isFalse();
    assertThat(config.mirrorNic()).isEqualTo("mirror0");
    assertThat(config.greEnabled()).isFalse();
    assertThat(config.allowlist().allowsAll()).isFalse();
    assertThat(config.allowlist().allows(new byte[] {(byte) 198, 19, 0, 1}, 4)).isTrue();
    assertThat(config.allowlist().allows(new byte[] {(byte) 192, 0, 2, 1}, 4)).isFalse();
  }

  @Test
  void sessionAllowlistComesFromFlagsEnvironmentOrFile() {
    assertThat(load(Map.of("allow-session", List.of("10", "20-29")), Map.of()).sessionAllowlist())
        .hasToString("10, 20-29");
    assertThat(
            load(Map.of(), Map.of("TAPWIRE_COLLECTOR_ALLOW_SESSION", "5,100-200"))
                .sessionAllowlist())
        .hasToString("5, 100-200");
    CollectorConfig fromFile =
        CollectorConfigLoader.load(
            new LayeredSettings(
                Map.of(),
                Map.of(),
                CollectorSettingKeys.ENVIRONMENT_PREFIX,
                Map.of("allow-session", List.of("600-601")),
                "collector.yaml"));
    assertThat(fromFile.sessionAllowlist().allows(601)).isTrue();
    assertThat(fromFile.sessionAllowlist().allows(602)).isFalse();
    assertThatThrownBy(() -> load(Map.of("allow-session", List.of("20-10")), Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("allow-session = '20-10' (from flag --allow-session)");
    assertThatThrownBy(
            () -> load(Map.of(), Map.of("TAPWIRE_COLLECTOR_ALLOW_SESSION", "1,session-2")))
        .hasMessageContaining("TAPWIRE_COLLECTOR_ALLOW_SESSION");
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> load(Map.of("allow", List.of("198.18.0.0/40")), Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("allow = '198.18.0.0/40' (from flag --allow)");
    assertThatThrownBy(() -> load(Map.of(), Map.of("TAPWIRE_COLLECTOR_VXLAN_PORT", "4754")))
        .hasMessageContaining("a UDP port carries one encapsulation");
    assertThatThrownBy(() -> load(Map.of("mirror-nic", List.of("this-name-is-too-long")), Map.of()))
        .hasMessageContaining("expected a network interface name");
    assertThatThrownBy(() -> load(Map.of("listen", List.of("collector.example")), Map.of()))
        .hasMessageContaining("expected a numeric IPv4 or IPv6 address");
    assertThatThrownBy(() -> load(Map.of("files", List.of("false")), Map.of()))
        .hasMessageContaining("frames would go nowhere");
    assertThatThrownBy(() -> load(Map.of("merge-window-ms", List.of("-1")), Map.of()))
        .hasMessageContaining("merge-window-ms = '-1'");
  }
}
