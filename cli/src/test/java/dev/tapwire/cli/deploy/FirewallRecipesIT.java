package dev.tapwire.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.netio.Errno;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.netio.RecvBatch;
import dev.tapwire.netio.SockAddr;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.VethPair;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nftables recipes in {@code deploy/firewall} for real: {@code nft -c -f} accepts them, and
 * loaded in a test namespace they let GRE and VXLAN from a mirror source through, drop them from
 * any other source (the collector's raw socket and UDP socket receive only the allowed packets; the
 * named counters agree), keep no conntrack entry for the tunnel traffic while conntrack is active,
 * and on the agent side let the export leave only towards a collector.
 *
 * <p>Addresses are the recipes' own examples (those of {@code deploy/topology}): agent 198.18.11.1
 * / 2001:db8:11::1 and collector 198.18.11.2 / 2001:db8:11::2 are in the sets; the agent's second
 * address .9 / ::9 and the collector's second address .3 / ::3 are not.
 */
class FirewallRecipesIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern PACKETS = Pattern.compile("packets (\\d+) bytes");
  private static final int ALLOWED = 5;
  private static final int DENIED = 3;
  private static final int UNLISTED_COLLECTOR = 2;
  private static final int VXLAN_PORT = 4789;

  @TempDir Path dir;

  @BeforeEach
  void needsRootAndNft() {
    RootRequirement.check();
    ExternalTool.require("nft");
    ExternalTool.require("ping");
  }

  @Test
  void recipesPassNftCheckAndACorruptedCopyDoesNot() throws Exception {
    try (Netns ns = Netns.create()) {
      for (String recipe : List.of("tapwire-collector.nft", "tapwire-agent.nft")) {
        Exec.Result check = ns.exec("nft", "-c", "-f", recipe(recipe).toString());
        assertThat(check.exitCode()).as("nft -c -f %s: %s", recipe, check.stderr()).isZero();
      }
      // The check is a real parse: a reference to a set that does not exist fails it.
      Path broken = dir.resolve("broken.nft");
      Files.writeString(
          broken,
          Files.readString(recipe("tapwire-collector.nft"))
              .replace("ip saddr @management_v4", "ip saddr @no_such_set"));
      Exec.Result check = ns.exec("nft", "-c", "-f", broken.toString());
      assertThat(check.exitCode()).isNotZero();
      assertThat(check.stderr()).contains("no_such_set");
      assertThat(ns.execChecked("nft", "list", "ruleset")).as("-c loads nothing").isBlank();
    }
  }

  @Test
  void collectorAcceptsMirrorSourcesOnlyAndKeepsNoStateAgentExportsToCollectorsOnly()
      throws Exception {
    try (Netns agent = Netns.create();
        Netns collector = Netns.create();
        VethPair link =
            VethPair.between(agent, collector)
                .addresses("198.18.11.1/24", "198.18.11.2/24")
                .addresses("2001:db8:11::1/64", "2001:db8:11::2/64")
                .addresses("198.18.11.9/24", "198.18.11.3/24")
                .addresses("2001:db8:11::9/64", "2001:db8:11::3/64")
                .create()) {
      load(collector, recipe("tapwire-collector.nft"));
      load(agent, recipe("tapwire-agent.nft"));
      // A rule with a ct expression makes conntrack track this namespace's traffic, so that
      // "no entry" below means "not tracked", not "conntrack off".
      Path probe = dir.resolve("conntrack-probe.nft");
      Files.writeString(
          probe,
          "table inet probe {\n chain in {\n  type filter hook input priority 10; policy accept;\n"
              + "  ct state new counter\n }\n}\n");
      load(collector, probe);

      try (Receiver v4 = Receiver.open(collector, link.nameB(), IpFamily.IPV4);
          Receiver v6 = Receiver.open(collector, link.nameB(), IpFamily.IPV6);
          DatagramChannel vxlan =
              NetworkNamespace.runIn(
                  collector.name(),
                  () -> DatagramChannel.open().bind(new InetSocketAddress(VXLAN_PORT)))) {
        // Denied and misdirected packets first: once the allowed ones (sent last, same path) are
        // in, anything else that got through would be in too.
        assertThat(sendGre(agent, "198.18.11.9", "198.18.11.2", DENIED)).isZero();
        assertThat(sendGre(agent, "2001:db8:11::9", "2001:db8:11::2", DENIED)).isZero();
        // The agent's output chain refuses tunnel traffic to a host outside its collector set.
        assertThat(sendGre(agent, "198.18.11.1", "198.18.11.3", UNLISTED_COLLECTOR))
            .as("sends refused with EPERM")
            .isEqualTo(UNLISTED_COLLECTOR);
        sendUdp(agent, "198.18.11.9", "198.18.11.2", DENIED);
        assertThat(sendGre(agent, "198.18.11.1", "198.18.11.2", ALLOWED)).isZero();
        assertThat(sendGre(agent, "2001:db8:11::1", "2001:db8:11::2", ALLOWED)).isZero();
        sendUdp(agent, "198.18.11.1", "198.18.11.2", ALLOWED);

        assertThat(v4.awaitSources(ALLOWED)).containsOnly(canonical("198.18.11.1"));
        assertThat(v6.awaitSources(ALLOWED)).containsOnly(canonical("2001:db8:11::1"));
        assertThat(receiveUdpSources(vxlan, ALLOWED)).containsOnly(canonical("198.18.11.1"));
      }

      // GRE and VXLAN, allowed and denied (the packets sent to .3 never left the agent).
      assertThat(counter(collector, "tapwire_collector", "tunnel_accepted")).isEqualTo(3 * ALLOWED);
      assertThat(counter(collector, "tapwire_collector", "tunnel_dropped")).isEqualTo(3 * DENIED);
      assertThat(counter(agent, "tapwire_agent", "export_accepted"))
          .isEqualTo(3 * ALLOWED + 3 * DENIED);
      assertThat(counter(agent, "tapwire_agent", "export_dropped")).isEqualTo(UNLISTED_COLLECTOR);

      // Control: a ping is tracked, so conntrack is on; the tunnel traffic left no entry.
      agent.execChecked("ping", "-c", "1", "-W", "5", "198.18.11.2");
      String conntrack = collector.execChecked("cat", "/proc/net/nf_conntrack");
      assertThat(conntrack).contains("icmp").contains("src=198.18.11.1");
      assertThat(conntrack.lines().filter(l -> l.contains(" gre ") || l.contains("dport=4789")))
          .as("conntrack entries for mirror traffic")
          .isEmpty();
    }
  }

  private static Path recipe(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy/firewall").resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new AssertionError("deploy/firewall/" + name + " not found");
  }

  private static void load(Netns ns, Path file) {
    Exec.Result r = ns.exec("nft", "-f", file.toString());
    assertThat(r.exitCode()).as("nft -f %s in %s: %s", file, ns, r.stderr()).isZero();
  }

  private static long counter(Netns ns, String table, String counter) {
    String out = ns.execChecked("nft", "list", "counter", "inet", table, counter);
    Matcher m = PACKETS.matcher(out);
    assertThat(m.find()).as("packets in: %s", out).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static String canonical(String address) throws Exception {
    return InetAddress.getByName(address).getHostAddress();
  }

  /**
   * Sends {@code count} GRE-TEB packets (4-byte GRE header and a 60-byte frame) from {@code from}
   * and returns how many the kernel refused with EPERM (a firewall drop on output).
   */
  private static int sendGre(Netns ns, String from, String to, int count) throws Exception {
    InetAddress source = InetAddress.getByName(from);
    InetAddress destination = InetAddress.getByName(to);
    IpFamily family = source.getAddress().length == 4 ? IpFamily.IPV4 : IpFamily.IPV6;
    try (RawIpSocket socket = NetworkNamespace.runIn(ns.name(), () -> RawIpSocket.openGre(family));
        Arena arena = Arena.ofConfined()) {
      socket.bind(source);
      MemorySegment packet = arena.allocate(64);
      packet.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x65); // GRE protocol 0x6558: Ethernet
      packet.set(ValueLayout.JAVA_BYTE, 3, (byte) 0x58);
      SockAddr sockAddr = SockAddr.of(destination);
      int refused = 0;
      for (int i = 0; i < count; i++) {
        try {
          assertThat(socket.sendTo(packet, sockAddr)).isEqualTo(64);
        } catch (ErrnoException e) {
          assertThat(e.errno()).as("%s", e.getMessage()).isEqualTo(Errno.EPERM);
          refused++;
        }
      }
      return refused;
    }
  }

  private static void sendUdp(Netns ns, String from, String to, int count) throws Exception {
    try (DatagramChannel channel =
        NetworkNamespace.runIn(
            ns.name(),
            () ->
                DatagramChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getByName(from), 0)))) {
      InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(to), VXLAN_PORT);
      for (int i = 0; i < count; i++) {
        channel.send(ByteBuffer.allocate(64), target);
      }
    }
  }

  private static List<String> receiveUdpSources(DatagramChannel channel, int count)
      throws Exception {
    List<String> sources = new ArrayList<>();
    channel.configureBlocking(false);
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    Poll.until(
        WAIT,
        count + " VXLAN datagrams",
        () -> {
          try {
            InetSocketAddress from;
            while ((from = (InetSocketAddress) channel.receive(buffer.clear())) != null) {
              sources.add(from.getAddress().getHostAddress());
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return sources.size() >= count;
        },
        sources::toString);
    return sources;
  }

  /** A raw GRE socket in the collector's namespace: what passes the input hook reaches it. */
  private record Receiver(RawIpSocket socket, RecvBatch batch) implements AutoCloseable {
    static Receiver open(Netns ns, String ifName, IpFamily family) throws Exception {
      RawIpSocket socket = NetworkNamespace.runIn(ns.name(), () -> RawIpSocket.openGre(family));
      socket.bindToDevice(ifName);
      socket.setReceiveTimeout(Duration.ofMillis(100));
      return new Receiver(socket, new RecvBatch(16, 2048));
    }

    List<String> awaitSources(int count) {
      List<String> sources = new ArrayList<>();
      byte[] address = new byte[16];
      Poll.until(
          WAIT,
          count + " GRE packets on " + socket,
          () -> {
            try {
              int n = socket.receive(batch);
              for (int i = 0; i < n; i++) {
                int length = batch.sourceAddress(i, address);
                byte[] exact = java.util.Arrays.copyOf(address, length);
                sources.add(InetAddress.getByAddress(exact).getHostAddress());
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            return sources.size() >= count;
          },
          sources::toString);
      return sources;
    }

    @Override
    public void close() throws ErrnoException {
      batch.close();
      socket.close();
    }
  }
}
