package dev.tapwire.wire.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.wire.ip.testing.TestPcapFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Golden bytes for the IPv4, IPv6 and UDP encoders, and checksums of real captured packets. */
class OuterHeaderEncodersTest {
  private static final int SOURCE = 0xC6120001; // 198.18.0.1
  private static final int DESTINATION = 0xC6120002; // 198.18.0.2
  private static final byte[] SOURCE6 = HexFormat.of().parseHex("20010db8000000000000000000000001");
  private static final byte[] DESTINATION6 =
      HexFormat.of().parseHex("20010db8000000000000000000000002");

  private static String hex(ByteBuf buf, int offset, int length) {
    return ByteBufUtil.hexDump(buf, offset, length);
  }

  private static byte[] record(String capture, int frameNumber) throws IOException {
    return TestPcapFile.read(TestPcapFile.realCapture(capture))
        .records()
        .get(frameNumber - 1)
        .data();
  }

  @Test
  void ipv4GoldenBytes() {
    ByteBuf buf = Unpooled.buffer(24);
    int written =
        Ipv4HeaderEncoder.encode(
            buf,
            2,
            0,
            100,
            0x1234,
            Ipv4Header.FLAG_DONT_FRAGMENT,
            64,
            IpProtocol.GRE,
            SOURCE,
            DESTINATION);
    assertThat(written).isEqualTo(20);
    // Words: 4500 0064 1234 4000 402f 0000 c612 0001 c612 0002; sum 0x263ee, folded 0x63f0,
    // complemented 0x9c0f.
    assertThat(hex(buf, 2, 20)).isEqualTo("4500006412344000402f9c0fc6120001c6120002");
    assertThat(buf.getShort(0)).as("bytes before the offset untouched").isZero();
    assertThat(InternetChecksum.compute(buf, 2, 20)).as("verifies").isZero();
  }

  @Test
  void ipv4ThatDoesNotFitWritesNothing() {
    ByteBuf buf = Unpooled.buffer(19, 19);
    assertThatThrownBy(
            () -> Ipv4HeaderEncoder.encode(buf, 0, 0, 20, 0, 0, 64, IpProtocol.GRE, 1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(ByteBufUtil.getBytes(buf, 0, 19)).containsOnly(0);
  }

  @Test
  void ipv4TemplateUpdateMatchesAFreshEncoding() {
    ByteBuf template = Unpooled.buffer(20);
    ByteBuf fresh = Unpooled.buffer(20);
    Ipv4HeaderEncoder.encode(
        template,
        0,
        0xb8,
        20,
        0,
        Ipv4Header.FLAG_DONT_FRAGMENT,
        64,
        IpProtocol.GRE,
        SOURCE,
        DESTINATION);
    Random random = new Random(3);
    for (int i = 0; i < 1000; i++) {
      int totalLength = random.nextInt(0x10000);
      int id = random.nextInt(0x10000);
      Ipv4HeaderEncoder.setTotalLengthAndIdentification(template, 0, totalLength, id);
      Ipv4HeaderEncoder.encode(
          fresh,
          0,
          0xb8,
          totalLength,
          id,
          Ipv4Header.FLAG_DONT_FRAGMENT,
          64,
          IpProtocol.GRE,
          SOURCE,
          DESTINATION);
      assertThat(hex(template, 0, 20)).isEqualTo(hex(fresh, 0, 20));
    }
  }

  @Test
  void ipv4ReencodesARealHeaderByteForByte() throws IOException {
    // tcpdump/vxlan.pcap frame 1: outer IPv4 192.168.203.1 -> .5, checksum 0x5152.
    ByteBuf frame = Unpooled.wrappedBuffer(record("tcpdump/vxlan.pcap", 1));
    int ip = 14;
    assertThat(Ipv4Header.headerChecksum(frame, ip)).isEqualTo(0x5152);
    ByteBuf out = Unpooled.buffer(20);
    Ipv4HeaderEncoder.encode(
        out,
        0,
        Ipv4Header.dscpEcn(frame, ip),
        Ipv4Header.totalLengthBytes(frame, ip),
        Ipv4Header.identification(frame, ip),
        Ipv4Header.flagsAndFragmentOffset(frame, ip),
        Ipv4Header.ttl(frame, ip),
        Ipv4Header.protocol(frame, ip),
        Ipv4Header.sourceAddress(frame, ip),
        Ipv4Header.destinationAddress(frame, ip));
    assertThat(hex(out, 0, 20)).isEqualTo(hex(frame, ip, 20));
  }

  @Test
  void ipv6GoldenBytes() {
    ByteBuf buf = Unpooled.buffer(40);
    int written =
        Ipv6HeaderEncoder.encode(
            buf, 0, 0xb8, 0x12345, 12, IpProtocol.UDP, 64, SOURCE6, DESTINATION6);
    assertThat(written).isEqualTo(40);
    // 6 | b8 | 12345 -> 6b812345; payload length 000c; next header 11; hop limit 40.
    assertThat(hex(buf, 0, 40))
        .isEqualTo(
            "6b812345000c1140"
                + "20010db8000000000000000000000001"
                + "20010db8000000000000000000000002");
    assertThat(Ipv6Header.trafficClass(buf, 0)).isEqualTo(0xb8);
    assertThat(Ipv6Header.flowLabel(buf, 0)).isEqualTo(0x12345);
  }

  @Test
  void ipv6RejectsAddressesOfTheWrongLength() {
    ByteBuf buf = Unpooled.buffer(40);
    assertThatThrownBy(
            () -> Ipv6HeaderEncoder.encode(buf, 0, 0, 0, 0, 17, 64, new byte[4], DESTINATION6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sourceAddress");
  }

  @Test
  void ipv6ReencodesARealHeaderByteForByte() throws IOException {
    // zeek/erspan.pcap frame 9: Ethernet, IPv4, GRE with key (8), inner Ethernet, IPv6 DHCPv6.
    ByteBuf frame = Unpooled.wrappedBuffer(record("zeek/erspan.pcap", 9));
    int ip6 = 14 + 20 + 8 + 14;
    assertThat(Ipv6Header.version(frame, ip6)).isEqualTo(6);
    ByteBuf out = Unpooled.buffer(40);
    Ipv6HeaderEncoder.encode(
        out,
        0,
        Ipv6Header.trafficClass(frame, ip6),
        Ipv6Header.flowLabel(frame, ip6),
        Ipv6Header.payloadLengthBytes(frame, ip6),
        Ipv6Header.nextHeader(frame, ip6),
        Ipv6Header.hopLimit(frame, ip6),
        ByteBufUtil.getBytes(frame, ip6 + Ipv6Header.SOURCE_OFFSET, 16),
        ByteBufUtil.getBytes(frame, ip6 + Ipv6Header.DESTINATION_OFFSET, 16));
    assertThat(hex(out, 0, 40)).isEqualTo(hex(frame, ip6, 40));
  }

  private static ByteBuf udpWithPayload() {
    ByteBuf buf = Unpooled.buffer(12);
    buf.setInt(8, 0xdeadbeef);
    return buf;
  }

  @Test
  void udpWithoutChecksumGoldenBytes() {
    ByteBuf buf = udpWithPayload();
    assertThat(UdpHeaderEncoder.encode(buf, 0, 49152, 4789, 12)).isEqualTo(8);
    assertThat(hex(buf, 0, 12)).isEqualTo("c00012b5000c0000deadbeef");
  }

  @Test
  void udpIpv4ChecksumGoldenBytes() {
    ByteBuf buf = udpWithPayload();
    UdpHeaderEncoder.encodeIpv4(buf, 0, 49152, 4789, 12, SOURCE, DESTINATION);
    // Pseudo-header c612+0001+c612+0002+0011+000c, header c000+12b5+000c+0000, payload
    // dead+beef: sum 0x3fca1, folded 0xfca4, complemented 0x035b.
    assertThat(hex(buf, 0, 12)).isEqualTo("c00012b5000c035bdeadbeef");
  }

  @Test
  void udpIpv6ChecksumGoldenBytes() {
    ByteBuf buf = udpWithPayload();
    UdpHeaderEncoder.encodeIpv6(buf, 0, 49152, 4789, 12, SOURCE6, DESTINATION6);
    // Addresses 2001+0db8+0001+2001+0db8+0002, length 000c, next header 0011, header and payload
    // as above: sum 0x2cbef, folded 0xcbf1, complemented 0x340e.
    assertThat(hex(buf, 0, 12)).isEqualTo("c00012b5000c340edeadbeef");
  }

  @Test
  void udpComputedZeroIsSentAsAllOnes() {
    // Choose a payload word that makes the one's complement sum 0xffff.
    ByteBuf buf = Unpooled.buffer(10);
    UdpHeaderEncoder.encodeIpv4(buf, 0, 1, 2, 10, 0, 0);
    int checksum = UdpHeader.checksum(buf, 0);
    buf.setShort(8, checksum); // payload == checksum of the rest: the new sum is 0xffff
    UdpHeaderEncoder.encodeIpv4(buf, 0, 1, 2, 10, 0, 0);
    assertThat(UdpHeader.checksum(buf, 0)).isEqualTo(0xFFFF);
  }

  @Test
  void udpIpv4ChecksumOfARealPacket() throws IOException {
    // zeek/gre-over-udp-4754.pcap frame 1: Ethernet, IPv4, UDP 4754, GRE (4), IPv4, UDP DNS with
    // checksum 0xe19f (tshark: correct).
    ByteBuf frame = Unpooled.wrappedBuffer(record("zeek/gre-over-udp-4754.pcap", 1));
    int innerIp = 14 + 20 + 8 + 4;
    int udp = innerIp + Ipv4Header.headerLengthBytes(frame, innerIp);
    int length = UdpHeader.lengthBytes(frame, udp);
    assertThat(UdpHeader.checksum(frame, udp)).isEqualTo(0xe19f);
    ByteBuf copy = Unpooled.copiedBuffer(frame.slice(udp, length));
    UdpHeaderEncoder.encodeIpv4(
        copy,
        0,
        UdpHeader.sourcePort(frame, udp),
        UdpHeader.destinationPort(frame, udp),
        length,
        Ipv4Header.sourceAddress(frame, innerIp),
        Ipv4Header.destinationAddress(frame, innerIp));
    assertThat(hex(copy, 0, length)).isEqualTo(hex(frame, udp, length));
  }

  @Test
  void udpIpv6ChecksumOfARealPacket() throws IOException {
    // zeek/erspan.pcap frame 9: DHCPv6 from fe80::34f7:703d:ac05:43d6, checksum 0xe662.
    ByteBuf frame = Unpooled.wrappedBuffer(record("zeek/erspan.pcap", 9));
    int ip6 = 14 + 20 + 8 + 14;
    int udp = ip6 + Ipv6Header.LENGTH;
    int length = UdpHeader.lengthBytes(frame, udp);
    assertThat(UdpHeader.checksum(frame, udp)).isEqualTo(0xe662);
    ByteBuf copy = Unpooled.copiedBuffer(frame.slice(udp, length));
    UdpHeaderEncoder.encodeIpv6(
        copy,
        0,
        UdpHeader.sourcePort(frame, udp),
        UdpHeader.destinationPort(frame, udp),
        length,
        ByteBufUtil.getBytes(frame, ip6 + Ipv6Header.SOURCE_OFFSET, 16),
        ByteBufUtil.getBytes(frame, ip6 + Ipv6Header.DESTINATION_OFFSET, 16));
    assertThat(hex(copy, 0, length)).isEqualTo(hex(frame, udp, length));
  }

  @Test
  void udpRejectsALengthBeyondTheBuffer() {
    ByteBuf buf = Unpooled.buffer(12, 12);
    assertThatThrownBy(() -> UdpHeaderEncoder.encodeIpv4(buf, 0, 1, 2, 13, SOURCE, DESTINATION))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> UdpHeaderEncoder.encodeIpv4(buf, 0, 1, 2, 7, SOURCE, DESTINATION))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
