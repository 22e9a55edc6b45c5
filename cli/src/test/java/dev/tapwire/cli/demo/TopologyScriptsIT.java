package dev.tapwire.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.TestAddresses;
import dev.tapwire.testkit.Tshark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/topology/up.sh}, {@code traffic.sh} and {@code down.sh} for real: the hosts exist
 * and reach each other, the mirror link carries no address, an independent tcpdump on {@code sw1}'s
 * captured interface sees every kind of traffic the script promises, and {@code down.sh} leaves no
 * namespace and no process behind.
 */
class TopologyScriptsIT {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> HOSTS = List.of("h1", "sw1", "h2", "sw2", "collector", "ids");

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
  void upTrafficDownBuildsExercisesAndRemovesTheTopology() throws Exception {
    String prefix = "twt-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt()).substring(2);
    Path scripts = scriptsDir();
    List<Long> pidsSeen = new ArrayList<>();
    Exec.Result down;
    try {
      Exec.Result up = run(scripts.resolve("up.sh"), prefix);
      assertThat(up.exitCode()).as("up.sh: %s", up.stderr()).isZero();
      Topology topology = Topology.parse(up.stdout());

      assertHostsExist(topology);
      assertAddressesAreTestAddresses(topology);
      assertLinksCarryPing(topology);
      assertMirrorLinkHasNoAddress(topology);
      assertRefusesAnExistingTopology(scripts, topology);

      Path pcap = dir.resolve("sw1-cap0.pcap");
      Netns sw1 = Netns.existing(topology.ns("sw1"));
      try (TcpdumpCapture capture =
          TcpdumpCapture.start(sw1, topology.get("sw1.capture_if"), pcap, null)) {
        Exec.Result traffic = run(scripts.resolve("traffic.sh"), prefix, "2");
        assertThat(traffic.exitCode()).as("traffic.sh: %s", traffic.stderr()).isZero();
        // The last frames of the last round (STP, then LLDP) reach the capture file.
        Poll.until(
            Duration.ofSeconds(10),
            "an LLDP frame in " + pcap,
            () -> TcpdumpCapture.countMatching(pcap, "ether proto 0x88cc") > 0);
        assertThat(capture.stop().droppedByKernel()).isZero();
      }
      assertEveryKindOfTraffic(pcap, topology);
      for (String host : HOSTS) {
        assertThat(Netns.existing(topology.ns(host)).pids())
            .as("processes traffic.sh left in %s", host)
            .isEmpty();
      }

      // Something left running in a namespace: down.sh must end it too.
      Process sleeper =
          new ProcessBuilder("ip", "netns", "exec", topology.ns("ids"), "sleep", "600").start();
      Poll.until(
          Duration.ofSeconds(10),
          "the sleeper to run in " + topology.ns("ids"),
          () -> Netns.existing(topology.ns("ids")).pids().contains(sleeper.pid()));
      for (String host : HOSTS) {
        pidsSeen.addAll(Netns.existing(topology.ns(host)).pids());
      }
      assertThat(pidsSeen).contains(sleeper.pid());
    } finally {
      down = run(scripts.resolve("down.sh"), prefix);
    }
    assertThat(down.exitCode()).as("down.sh: %s", down.stderr()).isZero();

    assertThat(namespacesWithPrefix(prefix)).as("namespaces left by down.sh").isEmpty();
    for (long pid : pidsSeen) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d of the topology is still alive", pid)
          .isFalse();
    }
    Exec.Result again = run(scripts.resolve("down.sh"), prefix);
    assertThat(again.exitCode()).as("down.sh a second time: %s", again.stderr()).isZero();
  }

  @Test
  void badPrefixIsAUsageError() {
    Exec.Result up = run(scriptsDir().resolve("up.sh"), "Not/A/Prefix");
    assertThat(up.exitCode()).isEqualTo(2);
    assertThat(up.stderr()).contains("usage: up.sh NAME_PREFIX");
    assertThat(namespacesWithPrefix("Not/A/Prefix")).isEmpty();
  }

  private static void assertHostsExist(Topology topology) {
    List<String> listed = namespacesWithPrefix(topology.prefix());
    for (String host : HOSTS) {
      assertThat(listed).as("ip netns list").contains(topology.ns(host));
    }
    assertThat(listed).hasSize(HOSTS.size());
  }

  private static void assertAddressesAreTestAddresses(Topology topology) {
    for (String host : HOSTS) {
      String addresses = Netns.existing(topology.ns(host)).ip("-o", "addr", "show");
      for (String line : addresses.lines().toList()) {
        String[] tokens = line.strip().split("\\s+");
        String address = tokens[3].substring(0, tokens[3].indexOf('/'));
        boolean loopback = tokens[1].equals("lo");
        boolean linkLocal = address.startsWith("fe80:");
        if (!loopback && !linkLocal) {
          assertThat(TestAddresses.requireTestPrefix(tokens[3])).isNotNull();
        }
      }
    }
  }

  private static void assertLinksCarryPing(Topology topology) {
    for (String i : List.of("1", "2")) {
      String h = topology.ns("h" + i);
      String sw = topology.ns("sw" + i);
      ping(h, topology.get("sw" + i + ".v4"));
      ping(h, topology.get("sw" + i + ".v6"));
      ping(sw, topology.get("h" + i + ".v4"));
      ping(sw, topology.get("h" + i + ".v6"));
      ping(sw, topology.get("collector.export_v4.sw" + i));
      ping(sw, topology.get("collector.export_v6.sw" + i));
      ping(topology.ns("collector"), topology.get("sw" + i + ".export_v4"));
    }
  }

  private static void ping(String ns, String address) {
    Exec.Result r = Exec.run("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "5", address);
    assertThat(r.exitCode())
        .as("ping %s from %s: %s%s", address, ns, r.stdout(), r.stderr())
        .isZero();
  }

  private static void assertMirrorLinkHasNoAddress(Topology topology) {
    Netns collector = Netns.existing(topology.ns("collector"));
    String mirror = topology.get("collector.mirror_if");
    assertThat(collector.ip("-o", "link", "show", "dev", mirror)).contains("NOARP");
    assertThat(collector.ip("-o", "addr", "show", "dev", mirror))
        .as("addresses on the collector's mirror NIC")
        .isBlank();
    Netns ids = Netns.existing(topology.ns("ids"));
    assertThat(ids.ip("-o", "addr", "show", "dev", topology.get("ids.if")))
        .as("addresses on the IDS end of the mirror link")
        .isBlank();
  }

  private static void assertRefusesAnExistingTopology(Path scripts, Topology topology) {
    Exec.Result second = run(scripts.resolve("up.sh"), topology.prefix());
    assertThat(second.exitCode()).isEqualTo(1);
    assertThat(second.stderr()).contains("exists already");
    // The refusal left the running topology alone.
    assertHostsExist(topology);
    ping(topology.ns("h1"), topology.get("sw1.v4"));
  }

  private static void assertEveryKindOfTraffic(Path pcap, Topology topology) {
    String vlan = topology.get("sw1.vlan_id");
    Map<String, String> filters =
        Map.of(
            "ARP request", "arp[6:2] = 1",
            "ARP reply", "arp[6:2] = 2",
            "STP BPDU", "ether dst 01:80:c2:00:00:00 and ether[14:2] = 0x4242",
            "LLDP", "ether proto 0x88cc and ether dst 01:80:c2:00:00:0e",
            "802.1Q", "vlan " + vlan,
            "TCP 179", "tcp port 179",
            "ICMPv6 echo", "icmp6 and ip6[40] = 128",
            "ICMP echo", "icmp and icmp[icmptype] = icmp-echo",
            "TCP with payload", "tcp port 5000 and len > 1000",
            "UDP", "udp port 5001");
    for (Map.Entry<String, String> kind : filters.entrySet()) {
      assertThat(TcpdumpCapture.countMatching(pcap, kind.getValue()))
          .as("%s (%s) on sw1's captured link", kind.getKey(), kind.getValue())
          .isPositive();
    }
    // No GSO super-frames: every frame is one a 1500-byte-MTU wire could carry.
    assertThat(TcpdumpCapture.countMatching(pcap, "greater 1515"))
        .as("frames longer than 1514 bytes")
        .isZero();
    // Checksums are finished (no offload left them for a device that never computes them).
    Exec.Result badChecksums =
        ExternalTool.run(
            ExternalTool.DEFAULT_TIMEOUT,
            "tshark",
            List.of(
                "-n",
                "-r",
                pcap.toString(),
                "-o",
                "ip.check_checksum:TRUE",
                "-o",
                "tcp.check_checksum:TRUE",
                "-o",
                "udp.check_checksum:TRUE",
                "-Y",
                "ip.checksum.status == \"Bad\" or tcp.checksum.status == \"Bad\""
                    + " or udp.checksum.status == \"Bad\" or icmp.checksum.status == \"Bad\""
                    + " or icmpv6.checksum.status == \"Bad\""));
    assertThat(badChecksums.exitCode()).as(badChecksums.stderr()).isZero();
    assertThat(badChecksums.stdoutLines()).as("frames with a bad checksum").isEmpty();
    // tshark, a second decoder, reads BGP OPEN messages in both directions of TCP 179.
    List<List<String>> bgp = Tshark.fields(pcap, "ip.src", "bgp.type");
    long openFromHost =
        bgp.stream()
            .filter(row -> row.get(0).equals(topology.get("h1.v4")) && isOpen(row.get(1)))
            .count();
    long openFromSwitch =
        bgp.stream()
            .filter(row -> row.get(0).equals(topology.get("sw1.v4")) && isOpen(row.get(1)))
            .count();
    assertThat(openFromHost).as("BGP OPEN from h1").isPositive();
    assertThat(openFromSwitch).as("BGP OPEN echoed by sw1").isPositive();
  }

  /** Whether a packet's BGP message types ("1,4") include OPEN (1). */
  private static boolean isOpen(String bgpTypes) {
    return List.of(bgpTypes.split(",")).contains("1");
  }

  private static List<String> namespacesWithPrefix(String prefix) {
    return Exec.check("ip", "netns", "list")
        .lines()
        .map(line -> line.strip().split("\\s+")[0])
        .filter(name -> name.startsWith(prefix + "-"))
        .toList();
  }

  private static Exec.Result run(Path script, String... args) {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    return Exec.run(command, SCRIPT_TIMEOUT);
  }

  /** {@code deploy/topology} of the checkout the test runs in. */
  static Path scriptsDir() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy/topology");
      if (Files.isExecutable(candidate.resolve("up.sh"))) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new AssertionError(
        "deploy/topology/up.sh not found above " + Path.of("").toAbsolutePath());
  }
}
