package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frames of every kind cross a veth that the agent captures; the agent tunnels them to a collector
 * namespace. Three independent views must agree frame for frame: the frames sent, tcpdump on the
 * captured interface, and tshark's decode of the tunnel packets at the collector.
 */
class AgentMirrorIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "erspan3, 198.18.1.2, 28",
    "erspan2, 198.18.1.2, 16",
    "teb, 198.18.1.2, 12",
    "vxlan, 198.18.1.2, 16",
    "erspan3, 2001:db8:1::2, 28",
    "vxlan, 2001:db8:1::2, 16"
  })
  void everyKindOfFrameArrivesUntouchedAndInOrder(String encap, String collector, int headerBytes)
      throws Exception {
    RootRequirement.check();
    List<byte[]> frames = TestFrames.everyKind();
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture captured = lab.tcpdumpCaptured(dir.resolve("captured.pcap"));
        TcpdumpCapture arrived =
            lab.tcpdumpCollector(
                dir.resolve("arrived.pcap"), "ip proto 47 or ip6 proto 47 or udp dst port 4789")) {
      AgentTotals totals;
      boolean nanos;
      Agent agent = lab.startAgent(lab.flags(collector, "encap", encap));
      try {
        nanos = agent.nanosecondTimestamps(0);
        lab.send(frames);
        captured.awaitPackets(frames.size(), TIMEOUT);
        arrived.awaitPackets(frames.size(), TIMEOUT);
      } finally {
        agent.close();
      }
      totals = agent.totals();
      captured.stop();
      arrived.stop();

      assertThat(totals.captured()).isEqualTo(frames.size());
      assertThat(totals.sent()).isEqualTo(frames.size());
      assertThat(totals.dropped()).isZero();
      assertThat(totals.balanced()).as("books: %s", totals).isTrue();
      assertThat(totals.truncated()).as("only the jumbo frame is truncated").isEqualTo(1);
      assertThat(totals.oversize()).isEqualTo(1);

      List<TcpdumpCapture.Frame> tapView = TcpdumpCapture.readFrames(captured.file());
      assertThat(hashes(tapView.stream().map(TcpdumpCapture.Frame::data).toList()))
          .as("tcpdump on the captured interface saw exactly the frames sent")
          .isEqualTo(hashes(frames));

      int ipHeader = collector.contains(":") ? 40 : 20;
      int maxFrame = 1500 - ipHeader - headerBytes;
      List<byte[]> expectedInner =
          frames.stream().map(f -> Arrays.copyOf(f, Math.min(f.length, maxFrame))).toList();
      List<TsharkTunnelDecode.Packet> decoded = TsharkTunnelDecode.decode(arrived.file());
      assertThat(hashes(decoded.stream().map(TsharkTunnelDecode.Packet::inner).toList()))
          .as("tshark's inner frames are the captured frames, in order, cut at the path MTU")
          .isEqualTo(hashes(expectedInner));

      for (int i = 0; i < decoded.size(); i++) {
        TsharkTunnelDecode.Packet packet = decoded.get(i);
        boolean jumbo = frames.get(i).length > maxFrame;
        switch (encap) {
          case "erspan3", "erspan2" -> {
            assertThat(packet.number("gre.sequence_number")).isEqualTo(i);
            assertThat(packet.number("erspan.spanid")).isEqualTo(1);
            assertThat(packet.number("erspan.truncated")).isEqualTo(jumbo ? 1 : 0);
            boolean tagged = frames.get(i)[12] == (byte) 0x81;
            assertThat(packet.number("erspan.vlan")).isEqualTo(tagged ? 100 : 0);
            assertThat(packet.number("erspan.cos")).isEqualTo(tagged ? 5 : 0);
            if (encap.equals("erspan3")) {
              long timeNs =
                  packet.number("erspan.pid3.timestamp") << 32 | packet.number("erspan.timestamp");
              long tcpdumpNs = tapView.get(i).timestampNanos();
              if (nanos) {
                assertThat(timeNs).as("capture time of frame %d", i).isEqualTo(tcpdumpNs);
              } else {
                assertThat(timeNs / 1000).isEqualTo(tcpdumpNs / 1000);
              }
            }
          }
          case "teb" -> {
            assertThat(packet.number("gre.sequence_number")).isEqualTo(i);
            assertThat(packet.number("gre.key")).isEqualTo(1);
          }
          case "vxlan" -> {
            assertThat(packet.number("vxlan.vni")).isEqualTo(1);
            assertThat(packet.number("udp.srcport")).isBetween(49_152L, 65_535L);
            assertThat(packet.number("udp.dstport")).isEqualTo(4789);
            if (collector.contains(":")) {
              assertThat(packet.number("udp.checksum.status"))
                  .as("tshark: checksum good")
                  .isEqualTo(1);
            }
          }
          default -> throw new AssertionError(encap);
        }
      }
    }
  }

  static List<String> hashes(List<byte[]> frames) {
    return frames.stream().map(AgentMirrorIT::sha256).toList();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
