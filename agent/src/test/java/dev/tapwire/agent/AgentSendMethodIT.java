package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transmit ring sends what the raw socket sends: for every tunnel format and both IP versions
 * the outer Ethernet and IP headers of the ring's packets are byte for byte those the kernel built
 * for the raw socket (same TTL or hop limit, DF, identification, checksum), tshark decodes them
 * with a good IP checksum, and the inner frames arrive untouched and in order. Without a neighbour
 * entry the agent starts on the raw socket, whose traffic makes the kernel resolve the collector,
 * and moves to the ring by itself.
 */
class AgentSendMethodIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "erspan3, 198.18.1.2",
    "erspan2, 198.18.1.2",
    "teb, 198.18.1.2",
    "vxlan, 198.18.1.2",
    "erspan3, 2001:db8:1::2",
    "vxlan, 2001:db8:1::2"
  })
  void theRingsPacketsCarryTheHeadersTheKernelBuilds(String encap, String collector)
      throws Exception {
    RootRequirement.check();
    List<byte[]> frames = TestFrames.everyKind();
    boolean v6 = collector.contains(":");
    List<byte[]> bySocket = arrivals(encap, collector, "socket", frames, "socket.pcap", 0);
    List<byte[]> byRing = arrivals(encap, collector, "ring", frames, "ring.pcap", frames.size());
    assertThat(byRing).hasSameSizeAs(bySocket);
    for (int i = 0; i < byRing.size(); i++) {
      assertThat(comparable(byRing.get(i), v6))
          .as("outer IP header of packet %d, ring vs raw socket", i)
          .isEqualTo(comparable(bySocket.get(i), v6));
    }
    for (List<byte[]> packets : List.of(bySocket, byRing)) {
      if (v6) {
        assertThat(packets.stream().map(p -> flowLabel(p)).distinct().toList())
            .as("one automatic flow label for the flow")
            .hasSize(1)
            .doesNotContain(0);
      } else {
        assertThat(packets.stream().map(p -> identification(p)).distinct().count())
            .as("a new identification per packet")
            .isEqualTo(packets.size());
      }
    }
    List<TsharkTunnelDecode.Packet> decoded = TsharkTunnelDecode.decode(dir.resolve("ring.pcap"));
    assertThat(decoded).hasSize(frames.size());
    for (TsharkTunnelDecode.Packet packet : decoded) {
      if (v6) {
        assertThat(packet.number("ipv6.hlim")).isEqualTo(64);
      } else {
        assertThat(packet.number("ip.checksum.status")).as("tshark: IP checksum good").isEqualTo(1);
        assertThat(packet.number("ip.flags.df")).isEqualTo(1);
        assertThat(packet.number("ip.ttl")).isEqualTo(64);
      }
    }
  }

  /**
   * The outer IP header without what is chosen per packet or per agent: IPv4 identification and
   * header checksum (tshark checks the checksum), the IPv6 flow label.
   */
  private static String comparable(byte[] packet, boolean v6) {
    byte[] header = Arrays.copyOfRange(packet, 14, 14 + (v6 ? 40 : 20));
    if (v6) {
      header[1] &= (byte) 0xf0;
      header[2] = 0;
      header[3] = 0;
    } else {
      header[4] = 0;
      header[5] = 0;
      header[10] = 0;
      header[11] = 0;
    }
    return HexFormat.of().formatHex(header);
  }

  private static int flowLabel(byte[] packet) {
    return ((packet[15] & 0x0f) << 16) | ((packet[16] & 0xff) << 8) | (packet[17] & 0xff);
  }

  private static int identification(byte[] packet) {
    return ((packet[18] & 0xff) << 8) | (packet[19] & 0xff);
  }

  /**
   * Runs an agent with a static neighbour entry for the collector, sends the frames and returns the
   * tunnel packets as they arrived; checks the books and how many went through the ring.
   */
  private List<byte[]> arrivals(
      String encap, String collector, String method, List<byte[]> frames, String file, int byRing)
      throws Exception {
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived =
            lab.tcpdumpCollector(
                dir.resolve(file), "ip proto 47 or ip6 proto 47 or udp dst port 4789")) {
      lab.agentNs.ip(
          collector.contains(":") ? "-6" : "-4",
          "neigh",
          "replace",
          collector,
          "lladdr",
          lab.export.macB(),
          "dev",
          lab.export.nameA(),
          "nud",
          "permanent");
      Agent agent = lab.startAgent(lab.flags(collector, "encap", encap, "send-method", method));
      try {
        lab.send(frames);
        arrived.awaitPackets(frames.size(), TIMEOUT);
      } finally {
        agent.close();
      }
      AgentTotals totals = agent.totals();
      assertThat(totals.sent()).isEqualTo(frames.size());
      assertThat(totals.balanced()).as("books: %s", totals).isTrue();
      assertThat(agent.metrics().sentByRing()).as("sent through the ring").isEqualTo(byRing);
      arrived.stop();
      List<byte[]> packets =
          TcpdumpCapture.readFrames(arrived.file()).stream()
              .map(TcpdumpCapture.Frame::data)
              .toList();
      String macs = lab.export.macB().replace(":", "") + lab.export.macA().replace(":", "");
      for (byte[] packet : packets) {
        assertThat(HexFormat.of().formatHex(Arrays.copyOf(packet, 12)))
            .as("to the collector's MAC from the agent's")
            .isEqualTo(macs);
      }
      return packets;
    }
  }

  @Test
  void withoutANeighbourEntryTheRawSocketResolvesItThenTheRingTakesOver() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("arrived.pcap"), "ip proto 47")) {
      Agent agent = lab.startAgent(lab.flags(MirrorLab.COLLECTOR4));
      List<byte[]> sent = new ArrayList<>();
      try {
        assertThat(agent.transportDescription()).contains("raw socket: no neighbour entry");
        List<byte[]> first = AgentDropsIT.frames(20, 100);
        lab.send(first);
        sent.addAll(first);
        arrived.awaitPackets(sent.size(), TIMEOUT);
        assertThat(agent.metrics().sentByRing()).isZero();
        // The ring is checked again once a second; keep sending until it carries a packet.
        Poll.until(
            TIMEOUT,
            "the ring takes over",
            () -> {
              List<byte[]> more = AgentDropsIT.frames(1, 100);
              try {
                lab.send(more);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              sent.addAll(more);
              return agent.metrics().sentByRing() > 0;
            },
            agent::transportDescription);
        assertThat(agent.transportDescription()).contains("transmit ring: dev");
        arrived.awaitPackets(sent.size(), TIMEOUT);
      } finally {
        agent.close();
      }
      AgentTotals totals = agent.totals();
      assertThat(totals.captured()).isEqualTo(sent.size());
      assertThat(totals.sent()).isEqualTo(sent.size());
      assertThat(totals.balanced()).isTrue();
      assertThat(arrived.stop().captured()).isEqualTo(sent.size());
      assertThat(TsharkTunnelDecode.decode(arrived.file())).hasSize(sent.size());
    }
  }
}
