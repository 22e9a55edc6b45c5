package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tapwire agent} is reachable from the front end; its dry run needs no privileges. */
class AgentSubcommandTest {
  @Test
  void dryRunThroughTheFrontEnd() {
    CommandLine commandLine = TapwireCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code =
        commandLine.execute(
            "agent", "-i", "lo", "--collector", "198.18.0.2", "--encap", "teb", "--dry-run", "arp");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("encapsulation: teb").contains(") and (arp)");
  }

  @Test
  void aBadSettingIsOneLineAndExitCodeTwo() {
    CommandLine commandLine = TapwireCli.newCommandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));
    int code =
        commandLine.execute("agent", "-i", "lo", "--collector", "198.18.0.2", "--sample", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("agent: invalid setting sample = '0'").hasLineCount(1);
  }
}
