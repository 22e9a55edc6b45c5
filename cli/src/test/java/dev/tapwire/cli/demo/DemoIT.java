package dev.tapwire.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.cli.TapwireCli;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.Tshark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tapwire demo} end to end: it passes its own check, and independent tools agree with what
 * it printed: every frame in the IDS host's capture is, by sha256, one that tcpdump captured on a
 * captured link; the IDS host and the merged pcapng got as many frames as the summary says; ARP,
 * STP, LLDP, 802.1Q and BGP crossed the whole path; tshark reads the pcapng with one interface per
 * source; and nothing of the run is left afterwards (namespaces, processes).
 */
class DemoIT {
  private static final Pattern DELIVERED =
      Pattern.compile("collector delivered: files ([\\d,]+), mirror NIC ([\\d,]+)");

  @TempDir Path dir;

  @BeforeEach
  void needsRootAndTools() {
    RootRequirement.check();
    for (String tool :
        List.of("ip", "ethtool", "ping", "socat", "mausezahn", "tcpdump", "tshark")) {
      ExternalTool.require(tool);
    }
  }

  @Test
  void demoPassesItsCheckAndIndependentToolsAgree() throws Exception {
    String prefix = "twd-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt()).substring(2);
    Path output = dir.resolve("run");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      code =
          TapwireCli.newCommandLine()
              .setOut(new PrintWriter(out, true))
              .setErr(new PrintWriter(err, true))
              .execute(
                  "demo",
                  "--duration",
                  "3",
                  "--prefix",
                  prefix,
                  "-w",
                  output.toString(),
                  "--scripts",
                  TopologyScriptsIT.scriptsDir().toString());
    } finally {
      // Whatever happened, nothing may be left: the demo's own cleanup must have removed it all.
      List<String> left = namespacesWithPrefix(prefix);
      if (!left.isEmpty()) {
        Exec.run(TopologyScriptsIT.scriptsDir().resolve("down.sh").toString(), prefix);
      }
      assertThat(left).as("namespaces left by the demo").isEmpty();
    }
    String printed = out.toString();
    assertThat(code).as("exit code; output:%n%s%nerrors:%n%s", printed, err).isZero();
    assertThat(printed).contains("check: PASS").contains("removed the topology " + prefix);
    assertThat(printed).containsPattern("\\[  1s\\] sw1 [\\d,]+ captured");
    assertThat(processesMentioning(output.toString())).as("processes of the demo").isEmpty();

    Matcher delivered = DELIVERED.matcher(printed);
    assertThat(delivered.find()).as(printed).isTrue();
    long deliveredToFiles = Long.parseLong(delivered.group(1).replace(",", ""));
    long deliveredToMirror = Long.parseLong(delivered.group(2).replace(",", ""));

    // The IDS host got exactly what the summary says, and each frame was captured at a source.
    Path ids = output.resolve("ids.pcap");
    List<TcpdumpCapture.Frame> idsFrames = TcpdumpCapture.readFrames(ids);
    assertThat((long) idsFrames.size()).isEqualTo(deliveredToMirror).isPositive();
    Map<String, Integer> captured = new HashMap<>();
    for (String sw : List.of("sw1", "sw2")) {
      for (TcpdumpCapture.Frame f :
          TcpdumpCapture.readFrames(output.resolve("source-" + sw + ".pcap"))) {
        captured.merge(sha256(f.data()), 1, Integer::sum);
      }
    }
    for (TcpdumpCapture.Frame f : idsFrames) {
      String hash = sha256(f.data());
      assertThat(captured.getOrDefault(hash, 0))
          .as("a frame at the IDS host that no source captured (or more often than captured)")
          .isPositive();
      captured.merge(hash, -1, Integer::sum);
    }
    // Control-plane and tagged frames crossed agent, tunnel, collector and mirror NIC as data.
    for (String filter :
        List.of(
            "arp",
            "ether dst 01:80:c2:00:00:00",
            "ether proto 0x88cc",
            "vlan",
            "tcp port 179",
            "icmp6")) {
      assertThat(TcpdumpCapture.countMatching(ids, filter))
          .as("%s at the IDS host", filter)
          .isPositive();
    }

    // tshark reads the merged pcapng: as many frames as delivered, one interface per source.
    List<Path> pcapng;
    try (Stream<Path> files = Files.list(output.resolve("collector"))) {
      pcapng = files.filter(f -> f.toString().endsWith(".pcapng")).toList();
    }
    assertThat(pcapng).hasSize(1);
    List<String> interfaces = Tshark.field(pcapng.get(0), "frame.interface_name");
    assertThat((long) interfaces.size()).isEqualTo(deliveredToFiles);
    assertThat(interfaces.stream().distinct().sorted())
        .containsExactly("198.18.11.1/erspan_iii-1", "198.18.12.1/erspan_iii-1");
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static List<String> namespacesWithPrefix(String prefix) {
    return Exec.check("ip", "netns", "list")
        .lines()
        .map(line -> line.strip().split("\\s+")[0])
        .filter(name -> name.startsWith(prefix + "-"))
        .toList();
  }

  /** Processes whose command line mentions {@code text} (the output directory of the run). */
  private static List<String> processesMentioning(String text) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .forEach(
            p ->
                p.info()
                    .commandLine()
                    .filter(cmd -> cmd.contains(text))
                    .ifPresent(cmd -> found.add(p.pid() + ": " + cmd)));
    return found;
  }
}
