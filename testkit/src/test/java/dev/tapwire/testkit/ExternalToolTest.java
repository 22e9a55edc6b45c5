package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExternalToolTest {
  @Test
  void returnsExitCodeAndBothOutputs() {
    Exec.Result result =
        ExternalTool.run(
            Duration.ofSeconds(30),
            "sh",
            List.of("-c", "echo out; echo line2; echo err >&2; exit 3"));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdoutLines()).containsExactly("out", "line2");
    assertThat(result.stderr()).isEqualTo("err\n");
  }

  @Test
  void findsProgramsOnThePath() {
    assertThat(ExternalTool.require("sh")).isExecutable();
  }

  @Test
  void parsesTsharkEpochTimesExactly() {
    assertThat(Tshark.epochNanos("1418145370.052115157")).isEqualTo(1_418_145_370_052_115_157L);
    assertThat(Tshark.epochNanos("954147395.148077")).isEqualTo(954_147_395_148_077_000L);
    assertThat(Tshark.epochNanos("1700000000")).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(Tshark.epochNanos("-1.5")).isEqualTo(-1_500_000_000L);
  }

  @Test
  void dropsOnlyThePrivilegeNotice() {
    assertThat(
            Tshark.withoutPrivilegeNotice(
                "Running as user \"root\" and group \"root\". This could be dangerous.\n"
                    + "tshark: The file appears to be damaged\n"))
        .isEqualTo("tshark: The file appears to be damaged\n");
  }
}
