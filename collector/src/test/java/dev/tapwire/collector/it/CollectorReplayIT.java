package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.metrics.CollectorBooks;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.MetricsText;
import dev.tapwire.collector.testing.RealCapturePackets;
import dev.tapwire.collector.testing.ReplayPlan;
import dev.tapwire.collector.testing.TunnelSender;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.wire.tunnel.DecodeReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays every tunnelled real capture at a collector in its own namespace: raw GRE from one test
 * address per original source, VXLAN and GRE-in-UDP as UDP, plus malformed GRE. The collector must
 * deliver exactly the inner frames (sha256 each), count every other packet by reason, key the right
 * streams, keep running, balance its books and show all of it on /metrics.
 */
class CollectorReplayIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @ParameterizedTest
  @ValueSource(strings = {"ring", "socket"})
  void replaysEveryTunnelledRealCapture(String receiveMethod) throws Exception {
    RootRequirement.check();
    try (CollectorTopology topology = CollectorTopology.create()) {
      CollectingSink sink = new CollectingSink("test");
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(CollectorSettingKeys.RECEIVE_METHOD, List.of(receiveMethod))),
              sink);

      ReplayPlan plan = new ReplayPlan(COLLECTOR_V4);
      for (String file : RealCapturePackets.TUNNELLED) {
        plan.add(
            RealCapturePackets.read(RealCaptures.file(file)), n -> topology.extraSource(n + 1));
      }
      plan.addGre(SENDER_V4, bytes(0x00, 0x02, 0x88, 0xBE, 1, 2, 3, 4)); // GRE version 2
      plan.addGre(SENDER_V4, bytes(0x40, 0x00, 0x88, 0xBE, 1, 2, 3, 4)); // routing present
      plan.addGre(SENDER_V4, bytes(0x10, 0x00, 0x88, 0xBE, 0, 0, 0, 1, 0x10, 0, 0, 1)); // short
      assertThat(plan.expectedFrames).hasSizeGreaterThan(400);
      assertThat(plan.expectedInvalid)
          .containsKeys("gre_bad_version", "gre_routing_present", "erspan_truncated");
      assertThat(plan.expectedSkipped)
          .containsKeys("gre_protocol_not_mirror", "gre_version_1_pptp");

      TunnelSender sender = topology.sender();
      for (ReplayPlan.Send send : plan.sends) {
        if (send.gre()) {
          sender.sendGre(send.source(), COLLECTOR_V4, send.payload());
        } else {
          sender.sendUdp(send.source(), COLLECTOR_V4, send.port(), send.payload());
        }
      }

      CollectorBooks books = collector.books();
      DecodeCounters decode = collector.decodeStage().counters();
      // The receive ring sees the outer fragments of a large packet one by one (the decode stage
      // reassembles them), so each reassembled datagram was received as its fragments.
      LongSupplier fragmentExtra =
          () -> decode.fragmentsIn.get() - decode.datagramsReassembled.get();
      Poll.until(
          TIMEOUT,
          plan.expectedFrames.size() + " frames delivered and every packet accounted for",
          () ->
              sink.framesDelivered() == plan.expectedFrames.size()
                  && received(collector) == plan.sends.size() + fragmentExtra.getAsLong()
                  && books.balances().stream().allMatch(CollectorBooks.Balance::balanced),
          () ->
              sink.framesDelivered()
                  + " delivered, "
                  + received(collector)
                  + " received, "
                  + fragmentExtra.getAsLong()
                  + " more fragments than datagrams, "
                  + books.balances());

      assertThat(sink.frames().stream().map(CollectingSink.Delivered::sha256).sorted().toList())
          .isEqualTo(plan.expectedFrames.stream().sorted().toList());
      if (receiveMethod.equals("ring")) {
        assertThat(fragmentExtra.getAsLong())
            .as("fragments beyond one per datagram (some captures hold large packets)")
            .isPositive();
      } else {
        assertThat(fragmentExtra.getAsLong())
            .as("the kernel reassembles for a raw socket")
            .isZero();
      }
      assertThat(byReason(decode, true)).isEqualTo(plan.expectedInvalid);
      assertThat(byReason(decode, false)).isEqualTo(plan.expectedSkipped);
      assertThat(collector.decodeStage().streams().liveStreams())
          .isEqualTo(plan.expectedStreams.size());
      assertThat(collector.healthy()).isTrue();
      assertThat(books.balances()).allMatch(CollectorBooks.Balance::balanced);

      // (e) /metrics shows what was sent; /readyz says ready.
      String metrics = topology.get(collector, "/metrics").body();
      assertThat(value(metrics, "tapwire_collector_packets_received_total{receiver=\"gre_ipv4\"}"))
          .isEqualTo(plan.greSends() + fragmentExtra.getAsLong());
      assertThat(
              value(metrics, "tapwire_collector_packets_received_total{receiver=\"vxlan\"}")
                  + value(
                      metrics, "tapwire_collector_packets_received_total{receiver=\"gre_in_udp\"}"))
          .isEqualTo(plan.udpSends());
      assertThat(value(metrics, "tapwire_collector_frames_decoded_total"))
          .isEqualTo(plan.expectedFrames.size());
      assertThat(value(metrics, "tapwire_collector_frames_delivered_total{sink=\"test\"}"))
          .isEqualTo(plan.expectedFrames.size());
      plan.expectedInvalid.forEach(
          (reason, n) ->
              assertThat(
                      value(
                          metrics,
                          "tapwire_collector_packets_invalid_total{reason=\"" + reason + "\"}"))
                  .as(reason)
                  .isEqualTo(n));
      assertThat(value(metrics, "tapwire_collector_streams"))
          .isEqualTo(plan.expectedStreams.size());
      assertThat(topology.get(collector, "/readyz").status()).isEqualTo(200);
      assertThat(topology.get(collector, "/healthz").status()).isEqualTo(200);
    }
  }

  static long received(Collector collector) {
    long n = 0;
    for (ReceiveCounters r : collector.receiveCounters()) {
      n += r.packets.get();
    }
    return n;
  }

  static Map<String, Long> byReason(DecodeCounters counters, boolean invalid) {
    Map<String, Long> result = new TreeMap<>();
    for (DecodeReason reason : DecodeReason.values()) {
      long n =
          invalid ? counters.invalid.get(reason.ordinal()) : counters.skipped.get(reason.ordinal());
      if (n > 0) {
        result.put(reason.label(), n);
      }
    }
    return result;
  }

  static long value(String metrics, String series) {
    return (long)
        MetricsText.value(metrics, series)
            .orElseThrow(() -> new AssertionError("no " + series + " in\n" + metrics));
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
