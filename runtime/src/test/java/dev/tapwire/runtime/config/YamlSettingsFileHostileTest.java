package dev.tapwire.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration files built to hurt: each fails fast with a message naming the file. */
class YamlSettingsFileHostileTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    return file(text.getBytes(StandardCharsets.UTF_8));
  }

  private Path file(byte[] bytes) throws Exception {
    Path f = dir.resolve("collector.yaml");
    Files.write(f, bytes);
    return f;
  }

  @Test
  void anOversizeFileIsRefusedWithoutReadingItAll() throws Exception {
    Path f = file(new byte[YamlSettingsFile.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> YamlSettingsFile.load(f))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("larger than 1048576 bytes");
    // An endless file: only MAX_FILE_BYTES + 1 bytes are read.
    assertThatThrownBy(() -> YamlSettingsFile.load(Path.of("/dev/zero")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("/dev/zero is larger than");
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() throws Exception {
    Path f = file(new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    assertThatThrownBy(() -> YamlSettingsFile.load(f))
        .isInstanceOf(SettingsException.class)
        .hasMessage("config file " + f + " is not UTF-8 text");
  }

  @Test
  void anAliasBombIsNotExpanded() throws Exception {
    StringBuilder yaml = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int level = 1; level <= 9; level++) {
      yaml.append("l").append(level).append(": &l").append(level).append(" [");
      for (int i = 0; i < 10; i++) {
        yaml.append(i == 0 ? "" : ", ").append("*l").append(level - 1);
      }
      yaml.append("]\n");
    }
    // Jackson reads an alias as the anchor's name: 10 values per key, never 10^10.
    Map<String, List<String>> settings = YamlSettingsFile.load(file(yaml.toString()));
    assertThat(settings.get("l9")).hasSize(10).containsOnly("l8");
  }

  @Test
  void deepNestingIsRefused() throws Exception {
    Path f = file("a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
    assertThatThrownBy(() -> YamlSettingsFile.load(f))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining(f.toString());
    Path g = file("a: " + "{b: ".repeat(5_000) + "1" + "}".repeat(5_000) + "\n");
    assertThatThrownBy(() -> YamlSettingsFile.load(g))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining(g.toString());
  }

  @Test
  void aDirectoryIsNotASettingsFile() {
    assertThatThrownBy(() -> YamlSettingsFile.load(dir))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining(dir.toString());
  }

  @Test
  void aLargeButReasonableFileStillLoads() throws Exception {
    StringBuilder yaml = new StringBuilder("allow:\n");
    for (int i = 0; i < 10_000; i++) {
      yaml.append("  - 198.18.").append(i / 256 % 256).append('.').append(i % 256).append("/32\n");
    }
    assertThat(YamlSettingsFile.load(file(yaml.toString())).get("allow")).hasSize(10_000);
  }
}
