package dev.tapwire.netio;

import static dev.tapwire.netio.TwoNamespaces.address;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRE through a {@code TPACKET_V3} ring with the kernel filter: exactly the GRE packets sent to the
 * filtered address arrive, byte for byte from the IPv4 header on, every fragment of a large one
 * included; other protocols and other addresses do not; loopback traffic arrives once (not again as
 * outgoing); and a raw GRE socket with {@link RawIpSocket#discardAll} queues nothing while keeping
 * the kernel from answering with ICMP protocol-unreachable (tcpdump in A is the oracle).
 */
class PacketRxRingIT {
  private static final int SMALL = 24;
  private static final int LARGE_BYTES = 3_000;
  private static final int LARGE_FRAGMENTS = 3; // 1480 + 1480 + 44 payload bytes at MTU 1500
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void filteredGreArrivesByteForByteAndNothingElse() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed();
        TcpdumpCapture icmp =
            TcpdumpCapture.start(
                net.a, net.link.nameA(), dir.resolve("a.pcap"), List.of("-Q", "in"), "icmp");
        PacketRxRing ring =
            NetworkNamespace.runIn(
                net.b.name(),
                () ->
                    PacketRxRing.open(
                        0,
                        PacketRxRing.ETH_P_IP,
                        ClassicBpf.ipv4Protocol(
                            RawIpSocket.IPPROTO_GRE, address(TwoNamespaces.B4).getAddress()),
                        1 << 20,
                        4,
                        5));
        RawIpSocket guard =
            NetworkNamespace.runIn(net.b.name(), () -> RawIpSocket.openGre(IpFamily.IPV4));
        RawIpSocket tx =
            NetworkNamespace.runIn(net.a.name(), () -> RawIpSocket.openGre(IpFamily.IPV4));
        RawIpSocket ping =
            NetworkNamespace.runIn(
                net.a.name(), () -> RawIpSocket.open(IpFamily.IPV4, RawIpSocket.IPPROTO_ICMP));
        SendBatch send = new SendBatch(SMALL + 1, 4096);
        SendBatch other = new SendBatch(4, 2048);
        RecvBatch recv = new RecvBatch(8, 4096)) {
      guard.discardAll();
      guard.setReceiveTimeout(Duration.ofMillis(200));
      List<byte[]> sent = new ArrayList<>();
      SockAddr toB = SockAddr.of(address(TwoNamespaces.B4));
      for (int i = 0; i < SMALL; i++) {
        byte[] p = TestPackets.greWithEthernet(i);
        sent.add(p);
        send.add(p, 0, p.length, toB);
      }
      byte[] large = Arrays.copyOf(TestPackets.greWithEthernet(99), LARGE_BYTES);
      send.add(large, 0, large.length, toB);
      // Not GRE (an echo request, answered by B): must not pass the filter.
      byte[] echo = TestPackets.icmpEchoRequest(7, 1);
      other.add(echo, 0, echo.length, toB);
      assertThat(ping.send(other)).isEqualTo(1);
      assertThat(tx.send(send)).isEqualTo(SMALL + 1);

      List<byte[]> received = new ArrayList<>();
      List<Integer> protocols = new ArrayList<>();
      int expected = SMALL + LARGE_FRAGMENTS;
      Poll.until(
          WAIT,
          expected + " packets in the ring",
          () -> {
            readAll(ring, received, protocols);
            return received.size() >= expected;
          });
      readAll(ring, received, protocols);
      assertThat(received).hasSize(expected);
      assertThat(protocols).containsOnly(RawIpSocket.IPPROTO_GRE);
      for (int i = 0; i < SMALL; i++) {
        byte[] packet = received.get(i);
        int ihl = (packet[0] & 0x0f) * 4;
        assertThat(Arrays.copyOfRange(packet, ihl, packet.length))
            .as("packet %d after its IPv4 header", i)
            .isEqualTo(sent.get(i));
      }
      int fragmentBytes = 0;
      for (int i = SMALL; i < expected; i++) {
        byte[] fragment = received.get(i);
        fragmentBytes += fragment.length - (fragment[0] & 0x0f) * 4;
      }
      assertThat(fragmentBytes).as("payload bytes over the fragments").isEqualTo(LARGE_BYTES);
      assertThat(ring.drops()).isZero();
      assertThat(ring.packetsAccepted()).isEqualTo(expected);

      // The guard socket saw nothing, and B answered nothing with ICMP.
      assertThat(guard.receive(recv)).isZero();
      icmp.stop();
      Path a = dir.resolve("a.pcap");
      assertThat(TcpdumpCapture.countMatching(a, "icmp[icmptype] == icmp-echoreply"))
          .as("the echo reply: B received the non-GRE packet")
          .isEqualTo(1);
      assertThat(TcpdumpCapture.countMatching(a, "icmp[icmptype] != icmp-echoreply"))
          .as("ICMP errors from B")
          .isZero();
    }
  }

  @Test
  void loopbackGreArrivesOnceAndAnotherAddressIsFiltered() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed();
        PacketRxRing toB =
            NetworkNamespace.runIn(
                net.b.name(),
                () ->
                    PacketRxRing.open(
                        0,
                        PacketRxRing.ETH_P_IP,
                        ClassicBpf.ipv4Protocol(
                            RawIpSocket.IPPROTO_GRE, address(TwoNamespaces.B4).getAddress()),
                        1 << 16,
                        4,
                        5));
        PacketRxRing any =
            NetworkNamespace.runIn(
                net.b.name(),
                () ->
                    PacketRxRing.open(
                        0,
                        PacketRxRing.ETH_P_IP,
                        ClassicBpf.ipv4Protocol(RawIpSocket.IPPROTO_GRE, null),
                        1 << 16,
                        4,
                        5));
        RawIpSocket tx =
            NetworkNamespace.runIn(net.b.name(), () -> RawIpSocket.openGre(IpFamily.IPV4));
        SendBatch send = new SendBatch(8, 2048)) {
      byte[] p = TestPackets.greWithEthernet(3);
      for (int i = 0; i < 4; i++) {
        send.add(p, 0, p.length, SockAddr.of(address("127.0.0.1")));
      }
      for (int i = 0; i < 4; i++) {
        send.add(p, 0, p.length, SockAddr.of(address(TwoNamespaces.B4)));
      }
      assertThat(tx.send(send)).isEqualTo(8);
      List<byte[]> all = new ArrayList<>();
      List<Integer> protocols = new ArrayList<>();
      Poll.until(
          WAIT,
          "8 loopback packets in the wildcard ring",
          () -> {
            readAll(any, all, protocols);
            return all.size() >= 8;
          });
      // The filtered ring's accepted count includes packets still in an open block.
      Poll.until(WAIT, "filtered ring counted its packets", () -> counted(toB) >= 4);
      List<byte[]> onlyB = new ArrayList<>();
      Poll.until(
          WAIT,
          "4 packets in the filtered ring",
          () -> {
            readAll(toB, onlyB, protocols);
            return onlyB.size() >= 4;
          });
      readAll(any, all, protocols);
      readAll(toB, onlyB, protocols);
      assertThat(all).as("each loopback packet once, not again as outgoing").hasSize(8);
      assertThat(onlyB).as("only the packets to " + TwoNamespaces.B4).hasSize(4);
      assertThat(toB.packetsAccepted()).isEqualTo(4);
    }
  }

  /**
   * VLAN tags: a priority-tagged frame (VLAN id 0, PCP 5) carrying GRE reaches the ring from its
   * IPv4 header, without the tag's bytes; a frame tagged with a VLAN id this host has no VLAN
   * device for is not for this host (the kernel marks it {@code PACKET_OTHERHOST}, IP would drop
   * it) and does not pass the filter. Frames are built by hand and sent from A on a packet socket.
   */
  @Test
  void priorityTaggedGreArrivesFromTheIpHeaderAndForeignVlansDoNot() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed();
        PacketRxRing ring =
            NetworkNamespace.runIn(
                net.b.name(),
                () ->
                    PacketRxRing.open(
                        0,
                        PacketRxRing.ETH_P_IP,
                        ClassicBpf.ipv4Protocol(
                            RawIpSocket.IPPROTO_GRE, address(TwoNamespaces.B4).getAddress()),
                        1 << 16,
                        4,
                        5));
        PacketSocket tx =
            NetworkNamespace.runIn(
                net.a.name(), () -> PacketSocket.openTransmitOnly(net.link.nameA()));
        SendBatch send = new SendBatch(8, 2048)) {
      byte[] macA = HexFormat.ofDelimiter(":").parseHex(net.link.macA());
      byte[] macB = HexFormat.ofDelimiter(":").parseHex(net.link.macB());
      List<byte[]> sentIp = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        byte[] ip = ipv4Gre(TestPackets.greWithEthernet(60 + i));
        send.add(tagged(macB, macA, 100, ip), 0, ip.length + 18, null); // VLAN 100: not ours
      }
      for (int i = 0; i < 4; i++) {
        byte[] ip = ipv4Gre(TestPackets.greWithEthernet(70 + i));
        sentIp.add(ip);
        send.add(tagged(macB, macA, 0, ip), 0, ip.length + 18, null); // priority tag only
      }
      assertThat(tx.send(send)).isEqualTo(8);
      List<byte[]> received = new ArrayList<>();
      List<Integer> protocols = new ArrayList<>();
      Poll.until(
          WAIT,
          "4 priority-tagged packets in the ring",
          () -> {
            readAll(ring, received, protocols);
            return received.size() >= 4;
          });
      readAll(ring, received, protocols);
      assertThat(received).containsExactlyElementsOf(sentIp);
      assertThat(ring.packetsAccepted()).isEqualTo(4);
    }
  }

  /** An IPv4 header (A to B, protocol 47, valid checksum) in front of {@code gre}. */
  private static byte[] ipv4Gre(byte[] gre) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(20 + gre.length);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + gre.length)).putShort((short) 7);
    b.putShort((short) 0x4000).put((byte) 64).put((byte) RawIpSocket.IPPROTO_GRE);
    b.putShort((short) 0);
    b.put(address(TwoNamespaces.A4).getAddress()).put(address(TwoNamespaces.B4).getAddress());
    byte[] header = Arrays.copyOf(b.array(), 20);
    b.putShort(10, TestPackets.internetChecksum(header));
    b.position(20);
    b.put(gre);
    return b.array();
  }

  /** Ethernet with an 802.1Q tag (PCP 5, {@code vlanId}) around an IPv4 packet. */
  private static byte[] tagged(byte[] dst, byte[] src, int vlanId, byte[] ip) {
    ByteBuffer b = ByteBuffer.allocate(18 + ip.length);
    b.put(dst).put(src).putShort((short) 0x8100).putShort((short) ((5 << 13) | vlanId));
    b.putShort((short) 0x0800).put(ip);
    return b.array();
  }

  private static long counted(PacketRxRing ring) {
    try {
      ring.drops();
    } catch (ErrnoException e) {
      throw new IllegalStateException(e);
    }
    return ring.packetsAccepted();
  }

  private static void readAll(PacketRxRing ring, List<byte[]> out, List<Integer> protocols) {
    int n;
    while ((n = ring.nextBlock()) >= 0) {
      for (int i = 0; i < n; i++) {
        assertThat(ring.nextPacket()).isTrue();
        assertThat(ring.packetType()).as("sll_pkttype").isNotEqualTo(4);
        assertThat(ring.capturedLength()).isEqualTo(ring.wireLength());
        assertThat(ring.timestampNs()).isPositive();
        MemorySegment memory = ring.memory();
        byte[] packet = new byte[ring.capturedLength()];
        MemorySegment.copy(
            memory, ValueLayout.JAVA_BYTE, ring.dataOffset(), packet, 0, packet.length);
        out.add(packet);
        protocols.add(packet[9] & 0xff);
      }
      assertThat(ring.nextPacket()).isFalse();
      ring.releaseBlock();
    }
    counted(ring);
  }
}
