package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V6;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.collector.testing.TunnelSender;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * IPv6 outer GRE, VXLAN (over IPv4 and IPv6) and GRE-in-UDP, end to end into a collector bound to
 * its specific addresses: every inner frame arrives byte-identical, on a stream named after its
 * real outer source.
 */
class Ipv6AndUdpIT {
  private static final int FRAMES_PER_KIND = 20;

  @Test
  void ipv6GreVxlanAndGreInUdpAreReceivedEndToEnd() throws Exception {
    RootRequirement.check();
    try (CollectorTopology topology = CollectorTopology.create()) {
      CollectingSink sink = new CollectingSink("test");
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(
                      CollectorSettingKeys.LISTEN,
                      List.of(COLLECTOR_V4.getHostAddress(), COLLECTOR_V6.getHostAddress()))),
              sink);
      TunnelSender sender = topology.sender();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < FRAMES_PER_KIND; i++) {
        byte[] v6Gre = TestPackets.ethernetFrame(1000 + i, 64, 40 + i);
        sender.sendGre(SENDER_V6, COLLECTOR_V6, TestPackets.erspanII(i, 600, v6Gre));
        byte[] v4Vxlan = TestPackets.ethernetFrame(2000 + i, 64, 40 + i);
        sender.sendUdp(SENDER_V4, COLLECTOR_V4, 4789, TestPackets.vxlan(77, v4Vxlan));
        byte[] v6Vxlan = TestPackets.ethernetFrame(3000 + i, 64, 40 + i);
        sender.sendUdp(SENDER_V6, COLLECTOR_V6, 4789, TestPackets.vxlan(78, v6Vxlan));
        byte[] innerIp = java.util.Arrays.copyOfRange(v4Vxlan, 14, v4Vxlan.length);
        sender.sendUdp(SENDER_V4, COLLECTOR_V4, 4754, greIp(innerIp));
        for (byte[] frame : List.of(v6Gre, v4Vxlan, v6Vxlan, innerIp)) {
          expected.add(CollectingSink.sha256(frame));
        }
      }
      Poll.until(
          Duration.ofSeconds(20),
          expected.size() + " frames",
          () -> sink.framesDelivered() == expected.size(),
          () -> sink.framesDelivered() + " delivered; " + collector.books().balances());

      assertThat(sink.frames().stream().map(CollectingSink.Delivered::sha256).sorted().toList())
          .isEqualTo(expected.stream().sorted().toList());
      collector.decodeStage().streams().publishDescriptors();
      List<StreamDescriptor> streams = descriptors(collector);
      assertThat(streams)
          .extracting(StreamDescriptor::interfaceName)
          .containsExactlyInAnyOrder(
              "2001:db8::1/erspan_ii-600",
              "198.18.0.1/vxlan-77",
              "2001:db8::1/vxlan-78",
              "198.18.0.1/gre_ip");
      assertThat(streams)
          .filteredOn(s -> s.interfaceName().endsWith("erspan_ii-600"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.description()).startsWith("2001:db8::1 -> 2001:db8::2");
                assertThat(s.counters().frames()).isEqualTo(FRAMES_PER_KIND);
                assertThat(s.counters().framesLost()).isZero();
              });
      assertThat(streams)
          .filteredOn(s -> s.interfaceName().endsWith("gre_ip"))
          .singleElement()
          .satisfies(s -> assertThat(s.linkType()).isEqualTo(228));
      assertThat(collector.decodeStage().counters().invalid.sum()).isZero();
      assertThat(collector.ready()).isTrue();
    }
  }

  private static List<StreamDescriptor> descriptors(Collector collector) {
    Poll.until(
        Duration.ofSeconds(5),
        "stream descriptors published",
        () -> collector.decodeStage().streams().descriptors().size() == 4);
    return collector.decodeStage().streams().descriptors();
  }

  /** GRE (protocol 0x0800) around an IPv4 packet: a GRE-in-UDP payload (RFC 8086). */
  private static byte[] greIp(byte[] ip) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(0).writeShort(0x0800).writeBytes(ip);
    return ByteBufUtil.getBytes(b);
  }
}
