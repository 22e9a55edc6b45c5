package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: dry run and startup errors (no capture, so no privileges needed). */
class AgentCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> environment, String... args) {
    CommandLine commandLine = new CommandLine(new AgentCommand(environment));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void dryRunPrintsTheCombinedFilterAndItsProgram() {
    int code = run("-i", "lo", "--collector", "198.18.0.2", "--dry-run", "tcp", "port", "179");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("interface: lo (index 1, session id 1)")
        .contains("encapsulation: erspan3")
        .contains("filter: not ((ip and dst host 198.18.0.2 and ip proto 47) or (icmp and")
        .contains(")) and (tcp port 179)\n")
        .contains("captured bytes per frame: 1452")
        .contains("program:")
        .containsPattern("\\(\\d+\\) ret +#0");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void dryRunForVxlanOverIpv6ExcludesTheUdpPort() {
    int code =
        run(
            "-i",
            "lo",
            "--collector",
            "2001:db8::2",
            "--encap",
            "vxlan",
            "--vxlan-port",
            "8472",
            "--dry-run");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains(
            "filter: not ((ip6 and dst host 2001:db8:0:0:0:0:0:2 and (udp dst port 8472 or ip6 proto 44)) or (icmp6 and")
        .contains("vxlan-port: 8472");
  }

  @Test
  void environmentAndFlagsAreLayered() {
    int code =
        run(
            Map.of("TAPWIRE_AGENT_ENCAP", "teb", "TAPWIRE_AGENT_COLLECTOR", "198.18.0.9"),
            "-i",
            "lo",
            "--collector",
            "198.18.0.2",
            "--dry-run");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("encapsulation: teb").contains("collector: 198.18.0.2");
  }

  @Test
  void anUnknownInterfaceIsOneClearLine() {
    int code = run("-i", "tw-nosuch0", "--collector", "198.18.0.2");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("agent: invalid setting interface = 'tw-nosuch0': no such interface\n");
  }

  @Test
  void aBadFilterIsOneClearLineNamingIt() {
    int code = run("-i", "lo", "--collector", "198.18.0.2", "tcp", "port", "eleventy");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("agent: invalid setting filter = 'tcp port eleventy': invalid BPF filter")
        .hasLineCount(1);
  }

  @Test
  void aSessionIdOutOfRangeIsOneClearLine() {
    int code = run("-i", "lo", "--collector", "198.18.0.2", "--session-id", "5000");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("agent: invalid setting session-id = '5000'")
        .hasLineCount(1);
  }

  @Test
  void aYamlFileIsTheLowestLayer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path file = dir.resolve("agent.yaml");
    java.nio.file.Files.writeString(
        file,
        "interface: [lo]\ncollector: 198.18.0.7\nencap: erspan2\nsample: 10\nfilter: not arp\n");
    int code = run("--config", file.toString(), "--sample", "5", "--dry-run");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("collector: 198.18.0.7")
        .contains("encapsulation: erspan2")
        .contains("sample: 1 in 5")
        .contains("user filter: not arp");
  }

  @Test
  void anUnknownYamlKeyIsRejected(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path file = dir.resolve("agent.yaml");
    java.nio.file.Files.writeString(file, "interface: [lo]\ncollector: 198.18.0.7\nsnap-len: 9\n");
    assertThat(run("--config", file.toString(), "--dry-run")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown setting snap-len");
  }
}
