package dev.tapwire.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.testing.CollectingSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CollectorCommandTest {
  private static CommandLine commandLine(CollectorCommand command, StringWriter err) {
    CommandLine cl = new CommandLine(command);
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void everySettingHasALongFlagOfTheSameName() {
    CommandLine cl = new CommandLine(new CollectorCommand());
    for (String key : CollectorSettingKeys.ALL) {
      assertThat(cl.getCommandSpec().findOption("--" + key)).as("--" + key).isNotNull();
    }
    assertThat(cl.getCommandSpec().findOption("-w").longestName()).isEqualTo("--output-dir");
    assertThat(cl.getCommandSpec().findOption("-C").longestName()).isEqualTo("--rotate-size-mb");
    assertThat(cl.getCommandSpec().findOption("-G").longestName()).isEqualTo("--rotate-seconds");
    assertThat(cl.getCommandSpec().findOption("-W").longestName()).isEqualTo("--ring-files");
  }

  @Test
  void onlyTheOptionsGivenBecomeFlags() {
    CollectorCommand command = new CollectorCommand();
    new CommandLine(command)
        .parseArgs(
            "--no-gre",
            "--listen",
            "198.18.0.2",
            "--listen",
            "2001:db8::2",
            "-w",
            "/tmp/x",
            "-C",
            "100",
            "--dedup",
            "--late-policy",
            "drop");
    assertThat(command.flags())
        .isEqualTo(
            Map.of(
                "gre", List.of("false"),
                "listen", List.of("198.18.0.2", "2001:db8::2"),
                "output-dir", List.of("/tmp/x"),
                "rotate-size-mb", List.of("100"),
                "dedup", List.of("true"),
                "late-policy", List.of("drop")));
    CollectorConfig config = command.loadConfig(Map.of("TAPWIRE_COLLECTOR_MERGE_WINDOW_MS", "50"));
    assertThat(config.greEnabled()).isFalse();
    assertThat(config.listenAddresses()).hasSize(2);
    assertThat(config.rotateSizeBytes()).isEqualTo(100_000_000L);
    assertThat(config.lateFramesDelivered()).isFalse();
    assertThat(config.dedup()).isTrue();
    assertThat(config.mergeWindowNs()).isEqualTo(50_000_000L);
  }

  @Test
  void invalidSettingsStopItWithOneLineNamingTheSetting() {
    StringWriter err = new StringWriter();
    int exit =
        commandLine(new CollectorCommand((c, r) -> List.of(new CollectingSink("t"))), err)
            .execute("--merge-window-ms", "-5");
    assertThat(exit).isEqualTo(CollectorCommand.EXIT_INVALID_SETTINGS);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString())
        .startsWith(
            "collector: invalid setting merge-window-ms = '-5' (from flag --merge-window-ms)");
  }

  @Test
  void aBadEnvironmentVariableIsNamedToo() {
    CollectorCommand command = new CollectorCommand();
    new CommandLine(command).parseArgs();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> command.loadConfig(Map.of("TAPWIRE_COLLECTOR_LATE_POLICY", "sometimes")))
        .hasMessageContaining("late-policy")
        .hasMessageContaining("sometimes")
        .hasMessageContaining("TAPWIRE_COLLECTOR_LATE_POLICY");
  }
}
