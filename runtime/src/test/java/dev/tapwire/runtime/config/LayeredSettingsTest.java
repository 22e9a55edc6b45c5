package dev.tapwire.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredSettingsTest {
  @TempDir Path dir;

  private Map<String, List<String>> yaml(String text) throws IOException {
    Path file = dir.resolve("tapwire.yaml");
    Files.writeString(file, text);
    return YamlSettingsFile.load(file);
  }

  @Test
  void flagBeatsEnvironmentBeatsFile() throws IOException {
    Map<String, List<String>> file = yaml("merge-window-ms: 5\nlate-policy: drop\nformat: pcap\n");
    LayeredSettings settings =
        new LayeredSettings(
            Map.of("merge-window-ms", List.of("7")),
            Map.of(
                "TAPWIRE_COLLECTOR_MERGE_WINDOW_MS",
                "6",
                "TAPWIRE_COLLECTOR_LATE_POLICY",
                "deliver"),
            "TAPWIRE_COLLECTOR_",
            file,
            "tapwire.yaml");

    assertThat(settings.intInRange("merge-window-ms", 20, 0, 10_000)).isEqualTo(7);
    assertThat(settings.choice("late-policy", "deliver", List.of("deliver", "drop")))
        .isEqualTo("deliver");
    assertThat(settings.string("format", "pcapng")).isEqualTo("pcap");
    assertThat(settings.string("missing", "fallback")).isEqualTo("fallback");
  }

  @Test
  void nestedKeysAndListsAreFlattened() throws IOException {
    Map<String, List<String>> file =
        yaml("allow:\n  - 198.18.0.0/15\n  - 2001:db8::/32\nmirror:\n  nic: veth9\n");
    assertThat(file).containsEntry("allow", List.of("198.18.0.0/15", "2001:db8::/32"));
    assertThat(file).containsEntry("mirror.nic", List.of("veth9"));
  }

  @Test
  void environmentListsAreCommaSeparated() {
    LayeredSettings settings =
        new LayeredSettings(
            Map.of(),
            Map.of("TAPWIRE_COLLECTOR_ALLOW", "198.18.0.0/15, 2001:db8::/32"),
            "TAPWIRE_COLLECTOR_",
            Map.of(),
            "none");
    assertThat(settings.values("allow"))
        .extracting(SettingValue::text)
        .containsExactly("198.18.0.0/15", "2001:db8::/32");
  }

  @Test
  void badValueNamesSettingValueAndOrigin() {
    LayeredSettings settings =
        new LayeredSettings(
            Map.of(),
            Map.of("TAPWIRE_COLLECTOR_MERGE_WINDOW_MS", "soon"),
            "TAPWIRE_COLLECTOR_",
            Map.of(),
            "none");
    assertThatThrownBy(() -> settings.intInRange("merge-window-ms", 20, 0, 10_000))
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "invalid setting merge-window-ms = 'soon' (from environment variable"
                + " TAPWIRE_COLLECTOR_MERGE_WINDOW_MS): expected an integer from 0 to 10000");
  }

  @Test
  void outOfRangeAndBadChoiceAreRejected() {
    LayeredSettings settings =
        new LayeredSettings(
            Map.of("vxlan-port", List.of("70000"), "late-policy", List.of("maybe")),
            Map.of(),
            "TAPWIRE_COLLECTOR_",
            Map.of(),
            "none");
    assertThatThrownBy(() -> settings.intInRange("vxlan-port", 4789, 1, 65_535))
        .hasMessageContaining("vxlan-port = '70000' (from flag --vxlan-port)");
    assertThatThrownBy(() -> settings.choice("late-policy", "deliver", List.of("deliver", "drop")))
        .hasMessageContaining("expected one of deliver, drop");
    assertThatThrownBy(() -> settings.flag("late-policy", false))
        .hasMessageContaining("expected true or false");
  }

  @Test
  void unknownFileKeysAreRejected() throws IOException {
    LayeredSettings settings =
        new LayeredSettings(Map.of(), Map.of(), "P_", yaml("merge-windw-ms: 5\n"), "tapwire.yaml");
    assertThatThrownBy(() -> settings.rejectUnknownFileKeys(Set.of("merge-window-ms")))
        .hasMessageContaining("unknown setting merge-windw-ms");
  }

  @Test
  void malformedOrMissingFileIsAClearError() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "a: [unclosed\n");
    assertThatThrownBy(() -> YamlSettingsFile.load(bad)).hasMessageContaining("is not valid YAML");
    assertThatThrownBy(() -> YamlSettingsFile.load(dir.resolve("nope.yaml")))
        .hasMessageContaining("does not exist");
  }
}
