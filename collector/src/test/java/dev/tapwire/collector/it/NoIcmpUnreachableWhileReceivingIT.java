package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V6;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.collector.testing.TunnelSender;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * While the collector receives GRE, its host sends no ICMP error back to the tunnel source. An
 * independent tcpdump on the sender's end of the link watches every ICMP/ICMPv6 error. Controls: a
 * GRE packet before the collector starts draws an error (so the capture would see one), and a UDP
 * datagram to a closed port at the end draws one (so everything sent before it was answered, or
 * not, by then).
 */
class NoIcmpUnreachableWhileReceivingIT {
  private static final String ICMP_ERRORS =
      "icmp[icmptype] == icmp-unreach or (icmp6 and (ip6[40] == 1 or ip6[40] == 4))";
  private static final String ABOUT_GRE = "(icmp and icmp[17] == 47) or (icmp6 and ip6[54] == 47)";
  private static final int PACKETS = 200;

  @Test
  void noIcmpUnreachableLeavesTheCollectorWhileGreArrives() throws Exception {
    RootRequirement.check();
    Path dir = Files.createTempDirectory("tapwire-icmp");
    try (CollectorTopology topology = CollectorTopology.create();
        TcpdumpCapture tcpdump =
            TcpdumpCapture.start(
                topology.sender, topology.link.nameA(), dir.resolve("icmp.pcap"), ICMP_ERRORS)) {
      // Every error is sent, none held back by rate limiting.
      topology.collectorNs.sysctl("net.ipv4.icmp_ratelimit", "0");
      topology.collectorNs.sysctl("net.ipv6.icmp.ratelimit", "0");
      TunnelSender sender = topology.sender();
      byte[] gre = TestPackets.erspanII(1, 9, TestPackets.ethernetFrame(1, 64, 20));

      // Control: no collector yet, so the kernel answers GRE with an error (v4 and v6).
      sender.sendGre(SENDER_V4, COLLECTOR_V4, gre);
      sender.sendGre(SENDER_V6, COLLECTOR_V6, gre);
      tcpdump.awaitPackets(2, Duration.ofSeconds(10));

      CollectingSink sink = new CollectingSink("test");
      Collector collector = topology.startCollector(CollectorTopology.config(Map.of()), sink);
      for (int i = 0; i < PACKETS; i++) {
        byte[] frame = TestPackets.ethernetFrame(i, 64, 20);
        sender.sendGre(SENDER_V4, COLLECTOR_V4, TestPackets.erspanII(i, 9, frame));
        sender.sendGre(SENDER_V6, COLLECTOR_V6, TestPackets.erspanII(i, 10, frame));
      }
      Poll.until(
          Duration.ofSeconds(20),
          "all GRE packets delivered",
          () -> sink.framesDelivered() == 2 * PACKETS,
          () -> sink.framesDelivered() + " delivered");
      // End marker: a closed UDP port answers, after every GRE packet above was handled.
      sender.sendUdp(SENDER_V4, COLLECTOR_V4, 9, new byte[] {1});
      sender.sendUdp(SENDER_V6, COLLECTOR_V6, 9, new byte[] {1});
      tcpdump.awaitPackets(4, Duration.ofSeconds(10));
      tcpdump.stop();

      Path file = tcpdump.file();
      assertThat(TcpdumpCapture.countMatching(file, ICMP_ERRORS)).isEqualTo(4);
      assertThat(TcpdumpCapture.countMatching(file, ABOUT_GRE))
          .as("errors about GRE: only the two sent before the collector started")
          .isEqualTo(2);
      assertThat(collector.healthy()).isTrue();
    }
  }
}
