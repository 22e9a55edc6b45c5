package dev.tapwire.collector.sink.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.netio.LinkInfo;
import dev.tapwire.netio.Links;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror NIC on a real veth pair between two namespaces, checked by tcpdump on the far end:
 * after preparation the port emits nothing of its own, then exactly the frames it is given, byte
 * for byte and in order, control-plane frames included, through AF_PACKET and through the
 * pcap_inject fallback; a NIC with addresses is refused unless forced.
 */
class MirrorNicIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration QUIET_PERIOD = Duration.ofSeconds(3);

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void afPacketEmitsEveryKindOfFrameByteForByteAndNothingElse() throws Exception {
    deliversExactlyTheFramesGiven(TransmitMethod.AF_PACKET, "af_packet");
  }

  @Test
  void pcapInjectFallbackEmitsTheSameBytes() throws Exception {
    deliversExactlyTheFramesGiven(TransmitMethod.PCAP_INJECT, "pcap_inject");
  }

  private void deliversExactlyTheFramesGiven(TransmitMethod method, String methodName)
      throws Exception {
    Map<String, byte[]> kinds = MirrorTestFrames.everyKind(true);
    List<byte[]> sent = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      sent.addAll(kinds.values());
    }
    SinkTestFrames frames = new SinkTestFrames(64, 8);
    StreamDescriptor stream = SinkTestFrames.stream(1, "198.18.1.1", 1);
    try (Netns a = Netns.create();
        Netns b = Netns.create();
        VethPair link = VethPair.between(a, b).mtu(9000).create()) {
      String nic = link.nameA();
      // Down, with IPv6 on (the default) and a link-local address: preparation must bring it up
      // without the stack saying anything on it.
      a.ip("link", "set", "dev", nic, "down");
      Path pcap = dir.resolve("far-end.pcap");
      try (TcpdumpCapture capture =
          TcpdumpCapture.start(b, link.nameB(), pcap, List.of("-Q", "in"), null)) {
        MirrorNicSink sink =
            NetworkNamespace.runIn(
                a.name(), () -> MirrorNicSink.open(MirrorOptions.defaults(nic).withMethod(method)));
        try {
          sink.start();
          assertThat(sink.transmitMethod()).isEqualTo(methodName);
          assertThat(sink.policer().rateBitsPerSecond())
              .as("policed to the link speed a veth reports")
              .isEqualTo(10_000_000_000L);
          assertPrepared(a, nic);
          Poll.until(
              TIMEOUT,
              "carrier on the far end",
              () -> b.ip("-o", "link", "show", "dev", link.nameB()).contains("LOWER_UP"));

          assertNothingArrives(capture, QUIET_PERIOD);

          for (byte[] bytes : sent) {
            assertThat(sink.offer(frames.frame(stream, bytes, 0))).isTrue();
          }
          Poll.until(
              TIMEOUT,
              "all frames on the far end",
              () -> capture.packetCount() >= sent.size(),
              () -> capture.packetCount() + " of " + sent.size());
          assertThat(sink.framesDelivered()).isEqualTo(sent.size());
          assertThat(sink.framesDroppedByReason().values()).allMatch(n -> n == 0);
        } finally {
          sink.close();
        }
        capture.stop();
      }
      List<TcpdumpCapture.Frame> received = TcpdumpCapture.readFrames(pcap);
      assertThat(received).as("exactly the frames given, nothing else").hasSize(sent.size());
      for (int i = 0; i < sent.size(); i++) {
        assertThat(SinkTestFrames.sha256(received.get(i).data()))
            .as("frame %d", i)
            .isEqualTo(SinkTestFrames.sha256(sent.get(i)));
      }
      assertThat(frames.framesInFlight()).isZero();
    }
  }

  @Test
  void aNicWithAddressesIsRefusedUnlessForced() throws Exception {
    try (Netns a = Netns.create();
        Netns b = Netns.create();
        VethPair link =
            VethPair.between(a, b)
                .addresses("198.18.7.1/30", "198.18.7.2/30")
                .addresses("2001:db8:7::1/64", "2001:db8:7::2/64")
                .create()) {
      String nic = link.nameA();
      assertThatThrownBy(
              () ->
                  NetworkNamespace.runIn(
                      a.name(), () -> MirrorNicSink.open(MirrorOptions.defaults(nic))))
          .isInstanceOf(MirrorNicException.class)
          .hasMessageContaining("mirror-nic " + nic)
          .hasMessageContaining("198.18.7.1")
          .hasMessageContaining("2001:db8:7::1")
          .hasMessageContaining("force");
      // Refused means untouched.
      LinkInfo untouched = NetworkNamespace.runIn(a.name(), () -> Links.get(nic));
      assertThat(untouched.isNoArp()).isFalse();
      assertThat(sysctl(a, nic, "disable_ipv6")).isEqualTo("0");

      MirrorNicSink forced =
          NetworkNamespace.runIn(
              a.name(), () -> MirrorNicSink.open(MirrorOptions.defaults(nic).withForce(true)));
      forced.close();
      List<InetAddress> kept = NetworkNamespace.runIn(a.name(), () -> Links.addresses(nic));
      assertThat(kept).containsExactly(InetAddress.getByName("198.18.7.1"));
      assertThat(sysctl(a, nic, "disable_ipv6")).isEqualTo("1");
    }
  }

  @Test
  void aMissingNicIsNamed() {
    assertThatThrownBy(() -> MirrorNicPreparer.prepare("twmissing0", false))
        .isInstanceOf(MirrorNicException.class)
        .hasMessage("mirror-nic twmissing0: no such interface");
  }

  private static void assertPrepared(Netns ns, String nic) throws Exception {
    LinkInfo info = NetworkNamespace.runIn(ns.name(), () -> Links.get(nic));
    assertThat(info.isUp()).isTrue();
    assertThat(info.isNoArp()).as("ARP off").isTrue();
    assertThat(info.flags() & LinkInfo.IFF_MULTICAST).as("multicast off").isZero();
    assertThat(NetworkNamespace.runIn(ns.name(), () -> Links.addresses(nic)))
        .as("no address, not even IPv6 link-local")
        .isEmpty();
    assertThat(sysctl(ns, nic, "disable_ipv6")).isEqualTo("1");
    assertThat(sysctl(ns, nic, "accept_ra")).isEqualTo("0");
  }

  private static String sysctl(Netns ns, String nic, String key) {
    return ns.execChecked("cat", "/proc/sys/net/ipv6/conf/" + nic + "/" + key).strip();
  }

  /** Watches the capture for {@code period}; fails at the first frame that arrives. */
  private static void assertNothingArrives(TcpdumpCapture capture, Duration period) {
    long deadline = System.nanoTime() + period.toNanos();
    while (System.nanoTime() - deadline < 0) {
      int count = capture.packetCount();
      if (count > 0) {
        fail(
            "the mirror port sent frames of its own: "
                + TcpdumpCapture.readFrames(capture.file()).stream()
                    .map(
                        f ->
                            java.util.HexFormat.of()
                                .formatHex(f.data(), 0, Math.min(34, f.data().length)))
                    .toList());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
  }
}
