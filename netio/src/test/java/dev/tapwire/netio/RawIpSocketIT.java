package dev.tapwire.netio;

import static dev.tapwire.netio.TwoNamespaces.address;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRE over raw IP sockets between two namespaces: a sendmmsg batch from A arrives in B through
 * recvmmsg byte for byte, with the right source address, and an independent tcpdump in B counts the
 * same packets on the wire.
 */
class RawIpSocketIT {
  private static final int PACKETS = 40;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void greBatchOverIpv4() throws Exception {
    greBatch(IpFamily.IPV4, TwoNamespaces.A4, TwoNamespaces.B4, "ip proto 47", 20);
  }

  @Test
  void greBatchOverIpv6() throws Exception {
    greBatch(IpFamily.IPV6, TwoNamespaces.A6, TwoNamespaces.B6, "ip6 proto 47", 40);
  }

  private void greBatch(IpFamily family, String from, String to, String filter, int ipHeaderBytes)
      throws Exception {
    InetAddress src = address(from);
    InetAddress dst = address(to);
    try (TwoNamespaces net = TwoNamespaces.addressed();
        TcpdumpCapture capture =
            TcpdumpCapture.start(
                net.b, net.link.nameB(), dir.resolve("b.pcap"), List.of("-Q", "in"), filter);
        RawIpSocket rx = NetworkNamespace.runIn(net.b.name(), () -> receiver(family, dst));
        RawIpSocket tx = NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.openGre(family));
        SendBatch send = new SendBatch(PACKETS, 2048);
        RecvBatch recv = new RecvBatch(8, 2048)) {
      List<byte[]> sent = new ArrayList<>();
      SockAddr destination = SockAddr.of(dst);
      for (int i = 0; i < PACKETS; i++) {
        byte[] gre = TestPackets.greWithEthernet(i);
        sent.add(gre);
        send.add(gre, 0, gre.length, destination);
      }

      assertThat(tx.send(send)).isEqualTo(PACKETS);
      assertThat(send.failed()).isZero();

      List<byte[]> received = new ArrayList<>();
      byte[] source = new byte[16];
      while (received.size() < PACKETS) {
        int n = rx.receive(recv);
        assertThat(n).as("packets within the receive timeout").isPositive();
        for (int i = 0; i < n; i++) {
          int offset = rx.payloadOffset(recv, i);
          if (family == IpFamily.IPV4) {
            assertThat(offset).isEqualTo(20);
            assertIpv4Header(recv, i, src, dst);
          } else {
            assertThat(offset).as("a raw IPv6 socket gets no IPv6 header").isZero();
          }
          assertThat(recv.truncated(i)).isFalse();
          assertThat(recv.sourceFamily(i)).isEqualTo(family);
          assertThat(Arrays.copyOf(source, recv.sourceAddress(i, source)))
              .isEqualTo(src.getAddress());
          byte[] payload = new byte[recv.length(i) - offset];
          recv.copy(i, offset, payload, 0);
          received.add(payload);
        }
      }
      for (int i = 0; i < PACKETS; i++) {
        assertThat(received.get(i)).as("GRE packet %d", i).isEqualTo(sent.get(i));
      }
      assertThat(rx.errorReports().reports()).isZero();

      capture.awaitPackets(PACKETS, WAIT);
      TcpdumpCapture.Stats stats = capture.stop();
      List<TcpdumpCapture.Frame> frames = TcpdumpCapture.readFrames(capture.file());
      assertThat(frames).hasSize(PACKETS);
      assertThat(stats.captured()).isEqualTo(PACKETS);
      assertThat(stats.droppedByKernel()).isZero();
      for (int i = 0; i < PACKETS; i++) {
        byte[] wire = frames.get(i).data();
        assertThat(Arrays.copyOfRange(wire, 14 + ipHeaderBytes, wire.length))
            .as("GRE packet %d on the wire", i)
            .isEqualTo(sent.get(i));
      }
    }
  }

  private static RawIpSocket receiver(IpFamily family, InetAddress local) throws Exception {
    RawIpSocket s = RawIpSocket.openGre(family);
    try {
      s.bind(local);
      s.setReceiveTimeout(WAIT);
      s.setReceiveBufferSize(1 << 20);
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  private static void assertIpv4Header(RecvBatch recv, int i, InetAddress src, InetAddress dst) {
    byte[] header = new byte[recv.length(i)];
    recv.copy(i, 0, header, 0);
    assertThat(header[0]).as("version 4, IHL 5").isEqualTo((byte) 0x45);
    assertThat(((header[2] & 0xff) << 8) | (header[3] & 0xff))
        .as("total length")
        .isEqualTo(recv.length(i));
    assertThat(header[9]).as("protocol").isEqualTo((byte) RawIpSocket.IPPROTO_GRE);
    assertThat(Arrays.copyOfRange(header, 12, 16)).isEqualTo(src.getAddress());
    assertThat(Arrays.copyOfRange(header, 16, 20)).isEqualTo(dst.getAddress());
  }

  @Test
  void socketOptionsTimeoutAndTruncation() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed();
        RawIpSocket rx =
            NetworkNamespace.runIn(net.b.name(), () -> RawIpSocket.openGre(IpFamily.IPV4));
        RawIpSocket tx =
            NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.openGre(IpFamily.IPV4));
        SendBatch send = new SendBatch(1, 2048);
        RecvBatch small = new RecvBatch(4, 64)) {
      assertThat(rx.setReceiveBufferSize(4 << 20))
          .as("SO_RCVBUFFORCE as root, doubled by the kernel")
          .isEqualTo(8 << 20);
      assertThat(tx.setSendBufferSize(1 << 20)).isEqualTo(2 << 20);
      rx.bindToDevice(net.link.nameB());
      rx.setReceiveTimeout(Duration.ofMillis(50));

      assertThat(rx.receive(small)).as("nothing sent yet: timeout").isZero();
      assertThat(rx.waitReadable(0)).isFalse();

      byte[] gre = TestPackets.greWithEthernet(5); // 4 + 245 bytes
      send.add(gre, 0, gre.length, SockAddr.of(address(TwoNamespaces.B4)));
      assertThat(tx.send(send)).isEqualTo(1);

      assertThat(rx.waitReadable((int) WAIT.toMillis())).isTrue();
      rx.setReceiveTimeout(WAIT);
      assertThat(rx.receive(small)).isEqualTo(1);
      assertThat(small.truncated(0)).isTrue();
      assertThat(small.length(0)).isEqualTo(64);
      byte[] head = new byte[64 - 20];
      small.copy(0, 20, head, 0);
      assertThat(head).isEqualTo(Arrays.copyOf(gre, 44));
    }
  }

  @Test
  void queueDropsAreReportedPerPacket() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed();
        RawIpSocket tx4 =
            NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.openGre(IpFamily.IPV4));
        RawIpSocket tx6 =
            NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.openGre(IpFamily.IPV6));
        SendBatch send = new SendBatch(8, 2048)) {
      // Resolved neighbours, so packets go straight to the queueing discipline, which drops all.
      String macB = net.link.macB();
      net.a.ip(
          "neigh",
          "replace",
          TwoNamespaces.B4,
          "lladdr",
          macB,
          "dev",
          net.link.nameA(),
          "nud",
          "permanent");
      net.a.ip(
          "neigh",
          "replace",
          TwoNamespaces.B6,
          "lladdr",
          macB,
          "dev",
          net.link.nameA(),
          "nud",
          "permanent");
      net.a.execChecked(
          "tc", "qdisc", "add", "dev", net.link.nameA(), "root", "pfifo", "limit", "0");

      for (RawIpSocket tx : List.of(tx4, tx6)) {
        send.clear();
        SockAddr dst = SockAddr.of(address(tx == tx4 ? TwoNamespaces.B4 : TwoNamespaces.B6));
        for (int i = 0; i < 8; i++) {
          byte[] gre = TestPackets.greWithEthernet(i);
          send.add(gre, 0, gre.length, dst);
        }

        assertThat(tx.send(send)).as("%s packets sent", tx.family()).isZero();
        assertThat(send.failed()).isEqualTo(8);
        assertThat(send.lastErrno()).isEqualTo(Errno.ENOBUFS);
      }
      String stats = net.a.execChecked("tc", "-s", "qdisc", "show", "dev", net.link.nameA());
      // At least ours: the kernel's own IPv6 housekeeping on the link may be dropped as well.
      Matcher dropped = Pattern.compile("dropped (\\d+)").matcher(stats);
      assertThat(dropped.find()).as(stats).isTrue();
      assertThat(Integer.parseInt(dropped.group(1))).isGreaterThanOrEqualTo(16);
    }
  }
}
