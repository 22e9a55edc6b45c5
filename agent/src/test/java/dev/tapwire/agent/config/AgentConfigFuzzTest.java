package dev.tapwire.agent.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import dev.tapwire.runtime.config.YamlSettingsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Any bytes as the agent's YAML file: the configuration loads, or startup fails with a {@link
 * SettingsException} (one line naming the setting or the file); never another exception, a hang, or
 * a DNS lookup. Seeds in {@code AgentConfigFuzzTestInputs/yamlFile/} hold every key, so the fuzzer
 * mutates values as well as syntax.
 */
class AgentConfigFuzzTest {
  private static final Path FILE = tempFile();

  @FuzzTest
  void yamlFile(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      Map<String, List<String>> file = YamlSettingsFile.load(FILE);
      AgentConfig config =
          AgentConfigLoader.load(
              new LayeredSettings(
                  Map.of(), Map.of(), AgentSettingKeys.ENVIRONMENT_PREFIX, file, FILE.toString()));
      if (config.interfaces().isEmpty() || config.queueFrames() < 64) {
        throw new AssertionError("out-of-range setting accepted: " + config);
      }
    } catch (SettingsException e) {
      if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
        throw new AssertionError("not a one-line message: " + e.getMessage(), e);
      }
    }
  }

  private static Path tempFile() {
    try {
      Path file = Files.createTempFile("tapwire-fuzz", ".yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
