package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * Complete Ethernet frames (control-plane frames included) sent in a batch from a transmit-only
 * packet socket on A's veth arrive at B byte for byte and in order, as an independent tcpdump in B
 * records them.
 */
class PacketSocketIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void framesArriveByteForByteInOrder() throws Exception {
    List<byte[]> frames = frames();
    try (TwoNamespaces net = TwoNamespaces.silent();
        TcpdumpCapture capture =
            TcpdumpCapture.start(
                net.b, net.link.nameB(), dir.resolve("b.pcap"), List.of("-Q", "in"), null);
        TcpdumpCapture sideA =
            TcpdumpCapture.start(
                net.a, net.link.nameA(), dir.resolve("a.pcap"), List.of("-Q", "in"), null);
        PacketSocket tx =
            NetworkNamespace.runIn(
                net.a.name(), () -> PacketSocket.openTransmitOnly(net.link.nameA()));
        PacketSocket fromB =
            NetworkNamespace.runIn(
                net.b.name(), () -> PacketSocket.openTransmitOnly(net.link.nameB()));
        SendBatch batch = new SendBatch(16, 1518)) {
      for (byte[] f : frames) {
        batch.add(f, 0, f.length, null);
      }
      assertThat(tx.send(batch)).isEqualTo(frames.size());
      assertThat(batch.failed()).isZero();

      // The same frames again, past the queueing discipline.
      tx.setQdiscBypass(true);
      batch.clear();
      for (byte[] f : frames) {
        batch.add(f, 0, f.length, null);
      }
      assertThat(tx.send(batch)).isEqualTo(frames.size());

      capture.awaitPackets(2 * frames.size(), WAIT);
      TcpdumpCapture.Stats stats = capture.stop();
      List<String> expected = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        frames.forEach(f -> expected.add(TestPackets.sha256(f)));
      }
      List<String> seen =
          TcpdumpCapture.readFrames(capture.file()).stream()
              .map(f -> TestPackets.sha256(f.data()))
              .toList();
      assertThat(seen).containsExactlyElementsOf(expected);
      assertThat(stats.droppedByKernel()).isZero();

      // Frames arriving at A are not queued to A's protocol-0 socket.
      batch.clear();
      for (byte[] f : frames) {
        batch.add(f, 0, f.length, null);
      }
      assertThat(fromB.send(batch)).isEqualTo(frames.size());
      sideA.awaitPackets(frames.size(), WAIT);
      assertThat(tx.waitReadable(0)).as("a protocol-0 packet socket receives nothing").isFalse();
    }
  }

  @Test
  void refusedFramesAreCounted() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.silent();
        PacketSocket tx =
            NetworkNamespace.runIn(
                net.a.name(), () -> PacketSocket.openTransmitOnly(net.link.nameA()));
        SendBatch batch = new SendBatch(4, 2048)) {
      byte[] ok = ethernet("ffffffffffff", "88b5", new byte[46]);
      byte[] tooBig = ethernet("ffffffffffff", "88b5", new byte[1501]); // MTU 1500 + 14 + 1
      batch.add(ok, 0, ok.length, null).add(tooBig, 0, tooBig.length, null);
      batch.add(ok, 0, ok.length, null);

      assertThat(tx.send(batch)).isEqualTo(2);
      assertThat(batch.failed()).isEqualTo(1);
      assertThat(batch.lastErrno()).isEqualTo(Errno.EMSGSIZE);
      assertThat(batch.failedIndex(0)).isEqualTo(1);
      assertThat(batch.failedErrno(0)).isEqualTo(Errno.EMSGSIZE);

      // A queueing discipline that drops everything: each frame is refused with ENOBUFS...
      net.a.execChecked(
          "tc", "qdisc", "add", "dev", net.link.nameA(), "root", "pfifo", "limit", "0");
      batch.clear();
      batch.add(ok, 0, ok.length, null).add(ok, 0, ok.length, null);
      assertThat(tx.send(batch)).isZero();
      assertThat(batch.failed()).isEqualTo(2);
      assertThat(batch.lastErrno()).isEqualTo(Errno.ENOBUFS);
      assertThat(batch.failedIndex(0)).isZero();
      assertThat(batch.failedIndex(1)).isEqualTo(1);
      assertThat(batch.failedErrno(1)).isEqualTo(Errno.ENOBUFS);

      // ...and PACKET_QDISC_BYPASS goes around it.
      tx.setQdiscBypass(true);
      assertThat(tx.send(batch)).isEqualTo(2);
      assertThat(batch.failed()).isZero();
    }
  }

  /** ARP, LLDP, STP, IPv4/UDP, 802.1Q, 802.1ad (QinQ) with IPv6/UDP, and a full-size frame. */
  static List<byte[]> frames() {
    List<byte[]> f = new ArrayList<>();
    // ARP request: who has 198.18.0.2, tell 198.18.0.1 (42 bytes, unpadded).
    f.add(
        ethernet(
            "ffffffffffff",
            "0806",
            HEX.parseHex(
                "0001080006040001" + "02005e100001" + "c6120001" + "000000000000" + "c6120002")));
    // LLDP: chassis id (MAC), port id (MAC), TTL 120, end.
    f.add(
        ethernet(
            "0180c200000e",
            "88cc",
            HEX.parseHex(
                "020704" + "02005e100001" + "040703" + "02005e100001" + "06020078" + "0000")));
    // STP configuration BPDU: 802.3 length 38, LLC 42 42 03, padded to 60 bytes.
    byte[] bpdu =
        HEX.parseHex(
            "424203"
                + "0000"
                + "00"
                + "00"
                + "00"
                + "8000"
                + "02005e100001"
                + "00000000"
                + "8000"
                + "02005e100001"
                + "8001"
                + "0000"
                + "1400"
                + "0200"
                + "0f00");
    byte[] stp = ethernet("0180c2000000", "0026", Arrays.copyOf(bpdu, 46));
    f.add(stp);
    // IPv4/UDP 198.18.0.1:40000 -> 198.18.0.2:9.
    byte[] udp4 = ipv4Udp();
    f.add(ethernet("02005e100002", "0800", udp4));
    // 802.1Q: PCP 5, VID 100, then IPv4/UDP.
    f.add(ethernet("02005e100002", "8100", concat(HEX.parseHex("a064" + "0800"), udp4)));
    // 802.1ad outer VID 200, 802.1Q inner VID 100, IPv6/UDP 2001:db8::1 -> 2001:db8::2.
    f.add(
        ethernet(
            "02005e100002",
            "88a8",
            concat(HEX.parseHex("00c8" + "8100" + "0064" + "86dd"), ipv6Udp())));
    // Full size: 1514 bytes (MTU 1500), local experimental ethertype.
    byte[] big = new byte[1500];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    f.add(ethernet("02005e100002", "88b5", big));
    return f;
  }

  private static byte[] ethernet(String dstMac, String etherType, byte[] payload) {
    return concat(HEX.parseHex(dstMac + "02005e100001" + etherType), payload);
  }

  private static byte[] ipv4Udp() {
    byte[] data = "tapwire".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(20 + 8 + data.length);
    b.put(HEX.parseHex("4500")).putShort((short) b.capacity()).put(HEX.parseHex("0001" + "4000"));
    b.put((byte) 64).put((byte) 17).putShort((short) 0);
    b.put(HEX.parseHex("c6120001" + "c6120002"));
    byte[] header = Arrays.copyOf(b.array(), 20);
    b.putShort(10, TestPackets.internetChecksum(header));
    b.putShort((short) 40000).putShort((short) 9).putShort((short) (8 + data.length));
    b.putShort((short) 0).put(data);
    return b.array();
  }

  private static byte[] ipv6Udp() {
    byte[] data = "tapwire".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(40 + 8 + data.length);
    b.put(HEX.parseHex("60000000")).putShort((short) (8 + data.length)).put((byte) 17);
    b.put((byte) 64);
    b.put(HEX.parseHex("20010db8000000000000000000000001"));
    b.put(HEX.parseHex("20010db8000000000000000000000002"));
    b.putShort((short) 40000).putShort((short) 9).putShort((short) (8 + data.length));
    b.putShort((short) 0x1234).put(data);
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
