package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units pass {@code systemd-analyze verify} with no warning (an unknown or misspelled
 * setting is only a warning there, so the test reads stderr) and carry the hardening the docs
 * promise; they start the jar with the launcher's JVM flags and the example settings files.
 */
class SystemdUnitsTest {
  private static final List<String> UNITS =
      List.of("tapwire-agent.service", "tapwire-agent@.service", "tapwire-collector.service");
  private static final Pattern LAUNCHER_JAVA_FLAGS =
      Pattern.compile("\"\\$JAVA_HOME/bin/java\" -Dtapwire.home=\"\\$here\" (.*?) \\$\\{");

  @TempDir Path dir;

  @Test
  void unitsVerifyWithoutWarnings() throws IOException {
    List<String> args = new ArrayList<>(List.of("verify", "--man=no"));
    for (String unit : UNITS) {
      Path copy = dir.resolve(unit.replace("@.", "@test."));
      Files.writeString(copy, withThisJava(DeployFiles.read(unit(unit))));
      args.add(copy.toString());
    }
    Exec.Result result = ExternalTool.run(ExternalTool.DEFAULT_TIMEOUT, "systemd-analyze", args);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderr()).isBlank();
  }

  @Test
  void verifyReportsAMisspelledSetting() throws IOException {
    Path broken = dir.resolve("broken.service");
    Files.writeString(
        broken,
        withThisJava(DeployFiles.read(unit("tapwire-agent.service")))
            .replace("ProtectHome=yes", "ProtectHomes=yes"));
    Exec.Result result =
        ExternalTool.run(
            ExternalTool.DEFAULT_TIMEOUT,
            "systemd-analyze",
            List.of("verify", "--man=no", broken.toString()));
    assertThat(result.stderr()).contains("Unknown key", "ProtectHomes");
  }

  @Test
  void unitsAreHardenedAndRunWithOnlyTheNetworkCapabilities() {
    for (String unit : UNITS) {
      Map<String, List<String>> s = service(unit(unit));
      assertThat(s.get("DynamicUser")).as(unit).containsExactly("yes");
      assertThat(s.get("AmbientCapabilities")).containsExactly("CAP_NET_RAW CAP_NET_ADMIN");
      assertThat(s.get("CapabilityBoundingSet")).containsExactly("CAP_NET_RAW CAP_NET_ADMIN");
      assertThat(s.get("NoNewPrivileges")).containsExactly("yes");
      assertThat(s.get("ProtectSystem")).containsExactly("strict");
      assertThat(s.get("ProtectHome")).containsExactly("yes");
      assertThat(s.get("PrivateTmp")).containsExactly("yes");
      assertThat(Set.of(s.get("RestrictAddressFamilies").get(0).split(" ")))
          .containsExactlyInAnyOrder("AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK", "AF_UNIX");
      assertThat(s.get("SystemCallFilter")).first().isEqualTo("@system-service");
      // The JIT writes and then runs code.
      assertThat(s).doesNotContainKey("MemoryDenyWriteExecute");
      assertThat(s.get("ConfigurationDirectory")).containsExactly("tapwire");
    }
    Map<String, List<String>> collector = service(unit("tapwire-collector.service"));
    String stateDirectory = collector.get("StateDirectory").get(0);
    String outputDir =
        DeployFiles.document(DeployFiles.deploy().resolve("config/collector.yaml"))
            .path("output-dir")
            .asText();
    assertThat(Path.of(outputDir).startsWith(Path.of("/var/lib", stateDirectory)))
        .as("output-dir %s in StateDirectory %s", outputDir, stateDirectory)
        .isTrue();
  }

  @Test
  void execStartUsesTheLauncherJvmFlagsAndTheExampleSettings() {
    Matcher m =
        LAUNCHER_JAVA_FLAGS.matcher(DeployFiles.read(DeployFiles.root().resolve("tapwire")));
    assertThat(m.find()).as("java flags in ./tapwire").isTrue();
    String launcherFlags = m.group(1);
    assertThat(launcherFlags).contains("--enable-native-access=ALL-UNNAMED");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("tapwire-agent.service", "agent --config /etc/tapwire/agent.yaml");
    expected.put("tapwire-agent@.service", "agent --config /etc/tapwire/agent-%i.yaml");
    expected.put("tapwire-collector.service", "collector --config /etc/tapwire/collector.yaml");
    expected.forEach(
        (unit, command) -> {
          String exec = service(unit(unit)).get("ExecStart").get(0);
          assertThat(exec)
              .startsWith("/usr/bin/java ")
              .contains(" " + launcherFlags + " ")
              .endsWith(" -jar /opt/tapwire/tapwire-cli.jar " + command);
        });
    // The example files are what /etc/tapwire/*.yaml is installed from.
    assertThat(DeployFiles.deploy().resolve("config/agent.yaml")).isRegularFile();
    assertThat(DeployFiles.deploy().resolve("config/collector.yaml")).isRegularFile();
  }

  private static Path unit(String name) {
    return DeployFiles.deploy().resolve("systemd").resolve(name);
  }

  /** The unit with ExecStart's java replaced by the JVM running this test (verify checks it). */
  private static String withThisJava(String unit) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return unit.replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " ");
  }

  /** The [Service] section: every value of every key, in order. */
  private static Map<String, List<String>> service(Path unit) {
    Map<String, List<String>> settings = new LinkedHashMap<>();
    boolean inService = false;
    for (String line : DeployFiles.read(unit).lines().toList()) {
      String l = line.strip();
      if (l.startsWith("[")) {
        inService = l.equals("[Service]");
      } else if (inService && !l.isEmpty() && !l.startsWith("#")) {
        int eq = l.indexOf('=');
        settings
            .computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>())
            .add(l.substring(eq + 1));
      }
    }
    return settings;
  }
}
