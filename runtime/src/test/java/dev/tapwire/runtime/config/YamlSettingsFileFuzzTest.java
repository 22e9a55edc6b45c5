package dev.tapwire.runtime.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Any bytes as a configuration file: loading either gives flat settings or fails with a {@link
 * SettingsException} naming the file; never another exception, a hang or a large allocation (YAML
 * aliases, deep nesting and size are all bounded). Regression mode replays {@code
 * YamlSettingsFileFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class YamlSettingsFileFuzzTest {
  private static final Path FILE = tempFile();

  @FuzzTest
  void anyYaml(byte[] data) throws IOException {
    Files.write(FILE, data);
    Map<String, List<String>> settings;
    try {
      settings = YamlSettingsFile.load(FILE);
    } catch (SettingsException e) {
      if (!e.getMessage().contains(FILE.toString())) {
        throw new AssertionError("message does not name the file: " + e.getMessage(), e);
      }
      return;
    }
    for (Map.Entry<String, List<String>> e : settings.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new AssertionError("null in " + settings);
      }
      for (String value : e.getValue()) {
        if (value == null) {
          throw new AssertionError("null value of " + e.getKey());
        }
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
