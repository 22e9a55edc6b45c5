package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.AgentConfigLoader;
import dev.tapwire.agent.config.AgentEncapsulation;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorConfigLoader;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import dev.tapwire.runtime.config.YamlSettingsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example settings files (deploy/config) and the Kubernetes ConfigMaps load through the real
 * agent and collector loaders, with only keys they know, the commented-out ones included.
 */
class ExampleConfigsTest {
  /** A commented-out setting: {@code # key: value}. */
  private static final Pattern COMMENTED_KEY = Pattern.compile("(?m)^#\\s?([a-z][a-z0-9-]*):(.*)$");

  @TempDir Path dir;

  @Test
  void agentExampleLoadsAndUsesOnlyKnownKeys() throws IOException {
    Path file = DeployFiles.deploy().resolve("config/agent.yaml");
    assertThat(keys(file)).isNotEmpty();
    assertThat(AgentSettingKeys.ALL).containsAll(keys(file)).containsAll(commentedKeys(file));
    AgentConfig config = loadAgent(file);
    assertThat(config.interfaces()).containsExactly("eth0");
    assertThat(config.encapsulation()).isEqualTo(AgentEncapsulation.ERSPAN3);
    assertThat(config.metricsPort()).isEqualTo(9461);
    // Uncommented, the optional settings are valid too.
    loadAgent(uncommented(file));
  }

  @Test
  void collectorExampleLoadsAndUsesOnlyKnownKeys() throws IOException {
    Path file = DeployFiles.deploy().resolve("config/collector.yaml");
    assertThat(CollectorSettingKeys.ALL).containsAll(keys(file)).containsAll(commentedKeys(file));
    CollectorConfig config = loadCollector(file);
    assertThat(config.greEnabled()).isTrue();
    assertThat(config.outputDirectory()).isEqualTo(Path.of("/var/lib/tapwire-collector/captures"));
    assertThat(config.metricsPort()).isEqualTo(9460);
    loadCollector(uncommented(file));
  }

  @Test
  void kubernetesConfigMapsLoad() throws IOException {
    for (Path file : KubernetesManifestsTest.manifests()) {
      for (JsonNode m : DeployFiles.documents(file)) {
        if (!m.path("kind").asText().equals("ConfigMap")) {
          continue;
        }
        for (var entry : m.path("data").properties()) {
          Path copy = dir.resolve(entry.getKey());
          Files.writeString(copy, entry.getValue().asText());
          if (entry.getKey().equals("agent.yaml")) {
            assertThat(loadAgent(copy).metricsPort()).as(file.toString()).isEqualTo(9461);
          } else {
            assertThat(entry.getKey()).isEqualTo("collector.yaml");
            assertThat(loadCollector(copy).metricsPort()).as(file.toString()).isEqualTo(9460);
          }
        }
      }
    }
  }

  @Test
  void anUnknownKeyIsRejected() throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        DeployFiles.read(DeployFiles.deploy().resolve("config/agent.yaml"))
            + "\nsnap-length: 128\n");
    assertThatThrownBy(() -> loadAgent(file))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("snap-length");
  }

  private static AgentConfig loadAgent(Path file) {
    return AgentConfigLoader.load(
        new LayeredSettings(
            Map.of(),
            Map.of(),
            AgentSettingKeys.ENVIRONMENT_PREFIX,
            YamlSettingsFile.load(file),
            file.toString()));
  }

  private static CollectorConfig loadCollector(Path file) {
    return CollectorConfigLoader.load(
        new LayeredSettings(
            Map.of(),
            Map.of(),
            CollectorSettingKeys.ENVIRONMENT_PREFIX,
            YamlSettingsFile.load(file),
            file.toString()));
  }

  private static Set<String> keys(Path file) {
    return YamlSettingsFile.load(file).keySet();
  }

  private static Set<String> commentedKeys(Path file) {
    Set<String> keys = new TreeSet<>();
    Matcher m = COMMENTED_KEY.matcher(DeployFiles.read(file));
    while (m.find()) {
      keys.add(m.group(1));
    }
    assertThat(keys).as("commented-out settings in %s", file).isNotEmpty();
    return keys;
  }

  /** A copy of {@code file} with every commented-out setting active. */
  private Path uncommented(Path file) throws IOException {
    String text = DeployFiles.read(file);
    Matcher m = COMMENTED_KEY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      // A commented list ("# allow:" then "#   - x") becomes a list.
      m.appendReplacement(out, Matcher.quoteReplacement(key + ":" + m.group(2)));
    }
    m.appendTail(out);
    String result = out.toString().replaceAll("(?m)^#(\\s+- )", "$1");
    Path copy = dir.resolve("uncommented-" + file.getFileName());
    Files.writeString(copy, result);
    Set<String> active = keys(copy);
    assertThat(active).containsAll(commentedKeys(file));
    return copy;
  }

  static List<String> lines(Path file) {
    return DeployFiles.read(file).lines().toList();
  }
}
