package dev.tapwire.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsExceptionTest {
  @TempDir Path dir;

  @Test
  void aHostileValueCannotForgeALogLine() {
    SettingValue value =
        new SettingValue("allow", "1.2.3.4\nINFO all good\u001b[2K\r", "flag --allow");
    SettingsException e = value.invalid("expected an IP prefix");
    assertThat(e.getMessage())
        .isEqualTo(
            "invalid setting allow = '1.2.3.4\\nINFO all good\\u001b[2K\\r' (from flag --allow):"
                + " expected an IP prefix")
        .doesNotContain("\n", "\r", "\u001b");
    LayeredSettings settings =
        new LayeredSettings(Map.of("n", List.of("5x\n6")), Map.of(), "T_", Map.of(), "-");
    assertThat(assertThrows(SettingsException.class, () -> settings.intInRange("n", 1, 0, 9)))
        .hasMessageContaining("'5x\\n6'");
  }

  @Test
  void yamlSyntaxErrorsAreOneLineWithThePosition() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "a: b: c\n");
    SettingsException e = assertThrows(SettingsException.class, () -> YamlSettingsFile.load(f));
    assertThat(e.getMessage())
        .startsWith("config file " + f + " is not valid YAML: ")
        .contains("(line 1, column ")
        .doesNotContain("\n");
  }
}
