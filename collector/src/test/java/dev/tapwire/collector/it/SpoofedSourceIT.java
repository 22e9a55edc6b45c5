package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V6;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.FrameInjector;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.wire.ip.IpProtocol;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spoofed tunnel packets from outside the source allowlist (198.18.0.99 and 2001:db8::99, on the
 * link but configured nowhere): every one is dropped and counted as {@code source_not_allowed}, and
 * the collector's host sends nothing back, not even ICMP or a neighbour lookup; an independent
 * tcpdump on the collector's side of the link watches everything it sends towards those addresses.
 * Control: a spoofed UDP datagram to a closed port from 198.18.0.98 / 2001:db8::98 does draw a
 * lookup, so the capture would have seen a reply.
 */
class SpoofedSourceIT {
  private static final String SPOOFED_V4 = "198.18.0.99";
  private static final String SPOOFED_V6 = "2001:db8::99";
  private static final String CONTROL_V4 = "198.18.0.98";
  private static final String CONTROL_V6 = "2001:db8::98";
  private static final String ABOUT_SPOOFED =
      "host " + SPOOFED_V4 + " or host " + SPOOFED_V6 + " or dst host ff02::1:ff00:99";
  private static final String ABOUT_CONTROL =
      "host " + CONTROL_V4 + " or host " + CONTROL_V6 + " or dst host ff02::1:ff00:98";
  private static final int ROUNDS = 50;

  @Test
  void spoofedSourcesAreDroppedCountedAndNeverAnswered() throws Exception {
    RootRequirement.check();
    Path dir = Files.createTempDirectory("tapwire-spoofed");
    try (CollectorTopology topology = CollectorTopology.create();
        TcpdumpCapture replies =
            TcpdumpCapture.start(
                topology.collectorNs,
                topology.link.nameB(),
                dir.resolve("replies.pcap"),
                List.of("-Q", "out"),
                ABOUT_SPOOFED + " or " + ABOUT_CONTROL);
        FrameInjector injector =
            new FrameInjector(
                topology.sender.name(),
                topology.link.nameA(),
                topology.link.macA(),
                topology.link.macB())) {
      topology.collectorNs.sysctl("net.ipv4.icmp_ratelimit", "0");
      topology.collectorNs.sysctl("net.ipv6.icmp.ratelimit", "0");
      CollectingSink sink = new CollectingSink("test");
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(
                      CollectorSettingKeys.ALLOW,
                      List.of(SENDER_V4.getHostAddress() + "/32", "2001:db8::1/128"))),
              sink);
      byte[] v4 = InetAddress.getByName(SPOOFED_V4).getAddress();
      byte[] v6 = InetAddress.getByName(SPOOFED_V6).getAddress();
      byte[] collectorV6 = COLLECTOR_V6.getAddress();
      byte[] frame = TestPackets.ethernetFrame(1, 64, 40);
      byte[] erspan = TestPackets.erspanII(1, 9, frame);
      List<byte[]> spoofed = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        spoofed.add(TestPackets.ipv4Gre(int32(v4), int32(COLLECTOR_V4.getAddress()), erspan));
        spoofed.add(ipv4Udp(int32(v4), int32(COLLECTOR_V4.getAddress()), 4789, vxlan(frame)));
        spoofed.add(ipv4Udp(int32(v4), int32(COLLECTOR_V4.getAddress()), 4754, new byte[] {-1}));
        spoofed.add(TestPackets.ipv4Gre(int32(v4), int32(COLLECTOR_V4.getAddress()), new byte[3]));
        spoofed.add(ipv6(v6, collectorV6, IpProtocol.GRE, erspan));
        spoofed.add(
            ipv6(v6, collectorV6, IpProtocol.UDP, udp6(v6, collectorV6, 4789, vxlan(frame))));
      }
      injector.sendAll(spoofed);
      Poll.until(
          Duration.ofSeconds(20),
          spoofed.size() + " spoofed packets dropped as not allowed",
          () -> collector.decodeStage().counters().droppedNotAllowed.get() == spoofed.size(),
          () -> collector.books().balances().toString());
      String metrics = topology.get(collector, "/metrics").body();
      assertThat(metrics)
          .contains(
              "tapwire_collector_frames_dropped_total{reason=\"source_not_allowed\",stage=\"decode\"} "
                  + spoofed.size());
      assertThat(sink.framesDelivered()).isZero();
      assertThat(collector.decodeStage().counters().invalid.sum()).isZero();

      // Control: a closed port answers the other spoofed address, so a reply would be captured.
      byte[] c4 = InetAddress.getByName(CONTROL_V4).getAddress();
      byte[] c6 = InetAddress.getByName(CONTROL_V6).getAddress();
      injector.sendIp(ipv4Udp(int32(c4), int32(COLLECTOR_V4.getAddress()), 9, new byte[] {1}));
      injector.sendIp(ipv6(c6, collectorV6, IpProtocol.UDP, udp6(c6, collectorV6, 9, new byte[1])));
      replies.awaitPackets(2, Duration.ofSeconds(10));
      // And an allowed source is still delivered.
      try (var sender = topology.sender()) {
        sender.sendGre(SENDER_V4, COLLECTOR_V4, erspan);
      }
      Poll.until(
          Duration.ofSeconds(10), "allowed frame delivered", () -> sink.framesDelivered() == 1);
      replies.stop();

      assertThat(TcpdumpCapture.countMatching(replies.file(), ABOUT_SPOOFED))
          .as("packets the collector host sent towards the spoofed sources")
          .isZero();
      assertThat(TcpdumpCapture.countMatching(replies.file(), ABOUT_CONTROL)).isPositive();
      assertThat(topology.get(collector, "/healthz").status()).isEqualTo(200);
    } finally {
      try (var list = Files.list(dir)) {
        for (Path p : list.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static int int32(byte[] v4) {
    return ByteBuffer.wrap(v4).getInt();
  }

  private static byte[] vxlan(byte[] frame) {
    return TestPackets.vxlan(9, frame);
  }

  private static byte[] ipv4Udp(int source, int destination, int port, byte[] payload) {
    ByteBuffer udp = ByteBuffer.allocate(8 + payload.length);
    udp.putShort((short) 40000).putShort((short) port).putShort((short) (8 + payload.length));
    udp.putShort((short) 0).put(payload); // checksum 0: none (IPv4)
    return TestPackets.ipv4(source, destination, IpProtocol.UDP, udp.array());
  }

  private static byte[] udp6(byte[] source, byte[] destination, int port, byte[] payload) {
    int length = 8 + payload.length;
    ByteBuffer udp = ByteBuffer.allocate(length);
    udp.putShort((short) 40000).putShort((short) port).putShort((short) length);
    udp.putShort((short) 0).put(payload);
    // RFC 8200 §8.1: the checksum covers a pseudo-header and is mandatory over IPv6.
    long sum = 0;
    for (byte[] address : new byte[][] {source, destination}) {
      for (int i = 0; i < 16; i += 2) {
        sum += ((address[i] & 0xFF) << 8) | (address[i + 1] & 0xFF);
      }
    }
    sum += length + IpProtocol.UDP;
    byte[] b = udp.array();
    for (int i = 0; i < b.length; i += 2) {
      sum += ((b[i] & 0xFF) << 8) | (i + 1 < b.length ? b[i + 1] & 0xFF : 0);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    int checksum = (int) (~sum & 0xFFFF);
    if (checksum == 0) {
      checksum = 0xFFFF;
    }
    b[6] = (byte) (checksum >>> 8);
    b[7] = (byte) checksum;
    return b;
  }

  private static byte[] ipv6(byte[] source, byte[] destination, int nextHeader, byte[] payload) {
    ByteBuffer ip = ByteBuffer.allocate(40 + payload.length);
    ip.putInt(0x6000_0000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64);
    ip.put(source).put(destination).put(payload);
    return ip.array();
  }
}
