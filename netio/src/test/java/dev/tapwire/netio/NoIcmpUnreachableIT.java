package dev.tapwire.netio;

import static dev.tapwire.netio.TwoNamespaces.address;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fact the collector depends on: a host with no raw GRE socket open answers each GRE packet
 * with an ICMP error (IPv4: destination unreachable, protocol unreachable; IPv6: parameter problem,
 * unrecognized next header), and answers none while a {@code SOCK_RAW, IPPROTO_GRE} socket is open.
 * ICMP rate limiting is switched off in B (empty rate masks) so that the counts are exact.
 *
 * <p>This holds only while no in-kernel GRE handler ({@code gre}, {@code ip_gre}, {@code ip6_gre})
 * is registered for protocol 47. From the kernel source (not measured here, where GRE support is
 * not built): with {@code ip_gre} an unmatched packet gets port-unreachable whether or not a raw
 * socket is open; with only the {@code gre} demultiplexer it is dropped without any ICMP.
 */
class NoIcmpUnreachableIT {
  private static final int PACKETS = 16;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @BeforeEach
  void needsRootAndNoKernelGre() {
    RootRequirement.check();
    for (String module : List.of("ip_gre", "ip6_gre", "gre")) {
      assertThat(Files.exists(Path.of("/sys/module", module)))
          .as("kernel module %s is loaded: it claims GRE and changes the ICMP behaviour", module)
          .isFalse();
    }
  }

  @Test
  void ipv4ProtocolUnreachableOnlyWithoutARawSocket() throws Exception {
    run(
        new Case(
            IpFamily.IPV4,
            TwoNamespaces.A4,
            TwoNamespaces.B4,
            "icmp and src host " + TwoNamespaces.B4,
            "icmp[icmptype] == icmp-unreach and icmp[icmpcode] == 2",
            "icmp[icmptype] == icmp-echoreply",
            "icmp[icmptype] != icmp-echoreply",
            Errno.ENOPROTOOPT));
  }

  @Test
  void ipv6ParameterProblemOnlyWithoutARawSocket() throws Exception {
    // ICMPv6 type at ip6[40], code at ip6[41] (no extension headers on these packets); error
    // messages are types 0..127.
    run(
        new Case(
            IpFamily.IPV6,
            TwoNamespaces.A6,
            TwoNamespaces.B6,
            "icmp6 and src host " + TwoNamespaces.B6,
            "ip6[40] == 4 and ip6[41] == 1",
            "ip6[40] == 129",
            "ip6[40] < 128",
            Errno.EPROTO));
  }

  private record Case(
      IpFamily family,
      String a,
      String b,
      String captureFilter,
      String errorFilter,
      String echoReplyFilter,
      String anyErrorFilter,
      int senderErrno) {}

  private void run(Case c) throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed();
        RawIpSocket tx =
            NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.openGre(c.family()));
        SendBatch gre = new SendBatch(PACKETS, 2048);
        RecvBatch recv = new RecvBatch(PACKETS, 2048)) {
      net.b.sysctl("net.ipv4.icmp_ratemask", "0");
      net.b.sysctl("net.ipv6.icmp.ratemask", "");
      tx.setReceiveTimeout(Duration.ofMillis(200));
      SockAddr toB = SockAddr.of(address(c.b()));
      for (int i = 0; i < PACKETS; i++) {
        byte[] p = TestPackets.greWithEthernet(i);
        gre.add(p, 0, p.length, toB);
      }

      // 1. A raw GRE socket open in B: the packets reach it and B sends no ICMP error.
      Path withSocket = dir.resolve("with-socket.pcap");
      try (TcpdumpCapture capture =
              TcpdumpCapture.start(
                  net.a, net.link.nameA(), withSocket, List.of("-Q", "in"), c.captureFilter());
          RawIpSocket rx =
              NetworkNamespace.runIn(net.b.name(), () -> RawIpSocket.openGre(c.family()))) {
        rx.setReceiveTimeout(WAIT);
        assertThat(tx.send(gre)).isEqualTo(PACKETS);
        int received = 0;
        while (received < PACKETS) {
          int n = rx.receive(recv);
          assertThat(n).as("GRE packets reaching B's raw socket").isPositive();
          received += n;
        }
        // Sentinel: an echo request sent after the GRE packets; once its reply is captured, any
        // error B would have sent for the GRE packets has been captured too.
        sendEchoRequest(net, c);
        Poll.until(
            WAIT,
            "echo reply from B",
            () -> TcpdumpCapture.countMatching(withSocket, c.echoReplyFilter()) >= 1);
        capture.stop();
      }
      assertThat(TcpdumpCapture.countMatching(withSocket, c.errorFilter()))
          .as("ICMP errors from B while a raw GRE socket is open")
          .isZero();
      assertThat(TcpdumpCapture.countMatching(withSocket, c.anyErrorFilter()))
          .as("any ICMP error from B while a raw GRE socket is open")
          .isZero();
      assertThat(tx.receive(recv)).isZero();
      assertThat(tx.errorReports().reports()).isZero();

      // 2. No raw GRE socket in B: one ICMP error per GRE packet, reported to the sender too.
      Path withoutSocket = dir.resolve("without-socket.pcap");
      try (TcpdumpCapture capture =
          TcpdumpCapture.start(
              net.a, net.link.nameA(), withoutSocket, List.of("-Q", "in"), c.captureFilter())) {
        assertThat(tx.send(gre)).isEqualTo(PACKETS);
        Poll.until(
            WAIT,
            PACKETS + " ICMP errors from B",
            () -> TcpdumpCapture.countMatching(withoutSocket, c.errorFilter()) >= PACKETS);
        capture.stop();
      }
      assertThat(TcpdumpCapture.countMatching(withoutSocket, c.errorFilter())).isEqualTo(PACKETS);
      assertThat(tx.receive(recv)).as("an error report, not a packet").isZero();
      assertThat(tx.errorReports().reports()).isEqualTo(1);
      assertThat(tx.errorReports().lastErrno()).isEqualTo(c.senderErrno());
      assertThat(tx.errorReports().drained()).isEqualTo(PACKETS);
    }
  }

  private static void sendEchoRequest(TwoNamespaces net, Case c) throws Exception {
    boolean v4 = c.family() == IpFamily.IPV4;
    byte[] echo = v4 ? TestPackets.icmpEchoRequest(7, 1) : TestPackets.icmpv6EchoRequest(7, 1);
    int protocol = v4 ? RawIpSocket.IPPROTO_ICMP : RawIpSocket.IPPROTO_ICMPV6;
    try (RawIpSocket icmp =
            NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.open(c.family(), protocol));
        Arena arena = Arena.ofConfined()) {
      MemorySegment packet = arena.allocate(echo.length);
      MemorySegment.copy(echo, 0, packet, ValueLayout.JAVA_BYTE, 0, echo.length);
      assertThat(icmp.sendTo(packet, SockAddr.of(address(c.b())))).isEqualTo(echo.length);
    }
  }
}
