package dev.tapwire.wire.tunnel;

import static dev.tapwire.wire.tunnel.testing.TestPackets.concat;
import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ethernet;
import static dev.tapwire.wire.tunnel.testing.TestPackets.hex;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerFrame;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerIpv4;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv4;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv6;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv6Extension;
import static dev.tapwire.wire.tunnel.testing.TestPackets.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.erspan.ErspanEncoder;
import dev.tapwire.wire.gre.GreEncoder;
import dev.tapwire.wire.gre.GreProtocolType;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.tunnel.testing.TestPackets;
import io.netty.buffer.ByteBuf;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One named test per {@link DecodeReason} (the method name is the label in lowerCamelCase): each
 * builds the bad packet from a good one, and checks the verdict and reason. Packets sit at offset 3
 * of a buffer that ends with them, so a read outside the packet would throw and fail the test.
 */
class TunnelClassifierMalformedTest {
  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame out = new DecodedFrame();

  // ---- good packets ----

  private static byte[] erspanII() {
    return concat(
        encode(b -> TunnelEncoder.writeErspanII(b, 7, 101, 0, 0, 0, false, 1)), innerFrame(60));
  }

  private static byte[] erspanIIIHeader(int frameType, boolean subHeader) {
    return concat(
        encode(b -> GreEncoder.write(b, GreProtocolType.ERSPAN_III)),
        encode(
            b ->
                ErspanEncoder.writeType3(
                    b, 1, 0, 0, 0, false, 0, 0, true, frameType, 0, 0, 0, subHeader)));
  }

  private static byte[] vxlan() {
    return concat(encode(b -> TunnelEncoder.writeVxlan(b, 100)), innerFrame(60));
  }

  private static byte[] greInUdp(int protocolType, byte[] payload) {
    return concat(encode(b -> GreEncoder.write(b, protocolType)), payload);
  }

  private static byte[] with(byte[] packet, int index, int value) {
    byte[] copy = packet.clone();
    copy[index] = (byte) value;
    return copy;
  }

  // ---- expectations ----

  private void expect(Verdict verdict, DecodeReason reason) {
    assertThat(verdict).as(out.toString()).isEqualTo(reason.verdict());
    assertThat(out.verdict()).isEqualTo(verdict);
    assertThat(out.reason()).as(out.toString()).isEqualTo(reason);
    if (verdict != Verdict.FRAME) {
      assertThat(out.innerOffset()).isEqualTo(-1);
      assertThat(out.innerLength()).isZero();
    }
  }

  private void expectIp(byte[] packet, DecodeReason reason) {
    ByteBuf buf = TestPackets.atOffset3(packet);
    expect(classifier.classifyIp(buf, 3, packet.length, out), reason);
  }

  private void expectLink(int linkType, byte[] record, DecodeReason reason) {
    ByteBuf buf = TestPackets.atOffset3(record);
    expect(classifier.classifyLinkLayer(linkType, buf, 3, record.length, out), reason);
  }

  private void expectGre(byte[] gre, DecodeReason reason) {
    ByteBuf buf = TestPackets.atOffset3(gre);
    expect(classifier.classifyGre(buf, 3, gre.length, out), reason);
  }

  private void expectUdpPayload(byte[] payload, int port, DecodeReason reason) {
    ByteBuf buf = TestPackets.atOffset3(payload);
    expect(classifier.classifyUdpPayload(buf, 3, payload.length, port, out), reason);
  }

  // ---- one test per reason ----

  @Test
  void none() {
    expectIp(ipv4(IpProtocol.GRE, erspanII()), DecodeReason.NONE);
    assertThat(out.innerOffset()).isEqualTo(3 + 20 + 16);
  }

  @Test
  void ipv4Fragment() {
    byte[] good = ipv4(IpProtocol.GRE, erspanII());
    expectIp(with(good, 6, 0x20), DecodeReason.IPV4_FRAGMENT); // MF, offset 0: first fragment
    assertThat(out.moreFragments()).isTrue();
    assertThat(out.ipv4Identification()).isEqualTo(0x1234);
    byte[] last = with(with(good, 6, 0x00), 7, 0xB9); // offset 185 * 8
    expectIp(last, DecodeReason.IPV4_FRAGMENT);
    assertThat(out.fragmentOffsetBytes()).isEqualTo(1480);
    assertThat(out.moreFragments()).isFalse();
    // UDP fragments too; a TCP fragment is not tunnel traffic at all
    expectIp(
        with(ipv4(IpProtocol.UDP, udp(1, 4789, vxlan())), 6, 0x20), DecodeReason.IPV4_FRAGMENT);
    expectIp(
        with(ipv4(IpProtocol.TCP, new byte[40]), 6, 0x20), DecodeReason.IP_PROTOCOL_NOT_TUNNEL);
  }

  @Test
  void notIp() {
    expectLink(
        TunnelClassifier.LINKTYPE_ETHERNET, ethernet(0x0806, new byte[28]), DecodeReason.NOT_IP);
    expectLink(
        TunnelClassifier.LINKTYPE_ETHERNET, ethernet(0x88CC, new byte[28]), DecodeReason.NOT_IP);
    expectLink(
        TunnelClassifier.LINKTYPE_ETHERNET, ethernet(0x0026, new byte[38]), DecodeReason.NOT_IP);
    expectLink(
        TunnelClassifier.LINKTYPE_NULL, concat(hex("07000000"), new byte[20]), DecodeReason.NOT_IP);
  }

  @Test
  void ipProtocolNotTunnel() {
    expectIp(ipv4(IpProtocol.TCP, new byte[20]), DecodeReason.IP_PROTOCOL_NOT_TUNNEL);
    expectIp(ipv4(89, new byte[20]), DecodeReason.IP_PROTOCOL_NOT_TUNNEL); // OSPF
    expectIp(ipv6(59, new byte[0]), DecodeReason.IP_PROTOCOL_NOT_TUNNEL); // no next header
    expectIp(ipv6(50, new byte[16]), DecodeReason.IP_PROTOCOL_NOT_TUNNEL); // ESP
    assertThat(out.outerIpProtocol()).isEqualTo(50);
  }

  @Test
  void udpPortNotTunnel() {
    expectIp(ipv4(IpProtocol.UDP, udp(4789, 53, vxlan())), DecodeReason.UDP_PORT_NOT_TUNNEL);
    expectUdpPayload(vxlan(), 4790, DecodeReason.UDP_PORT_NOT_TUNNEL); // VXLAN-GPE is out of scope
    expectUdpPayload(vxlan(), 8472, DecodeReason.UDP_PORT_NOT_TUNNEL); // legacy port unless asked
  }

  @Test
  void greVersion1Pptp() {
    // tcpdump/pptp.pcap: K+S+ver 1, PPP; payload length 0, call id, sequence
    byte[] pptp = hex("3001880b 0000 0000 00000001 ff03c021");
    expectGre(pptp, DecodeReason.GRE_VERSION_1_PPTP);
    expectIp(ipv4(IpProtocol.GRE, pptp), DecodeReason.GRE_VERSION_1_PPTP);
    assertThat(out.greProtocolType()).isEqualTo(0x880B);
  }

  @Test
  void greProtocolNotMirror() {
    // plain IPv4 over raw GRE (tcpdump/erspan-type-i-4.pcap) and a keepalive: a routed tunnel
    expectIp(
        ipv4(IpProtocol.GRE, greInUdp(0x0800, innerIpv4(40))),
        DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
    expectIp(ipv4(IpProtocol.GRE, hex("00000000")), DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
    expectGre(greInUdp(0x86DD, TestPackets.innerIpv6(40)), DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
    expectGre(greInUdp(GreProtocolType.WCCP, new byte[40]), DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
    expectGre(greInUdp(0x8847, new byte[40]), DecodeReason.GRE_PROTOCOL_NOT_MIRROR); // MPLS
    expectUdpPayload(greInUdp(0x8847, new byte[40]), 4754, DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
  }

  @Test
  void linkLayerTruncated() {
    byte[] frame = ethernet(0x0800, ipv4(IpProtocol.GRE, erspanII()));
    expectLink(
        TunnelClassifier.LINKTYPE_ETHERNET,
        Arrays.copyOf(frame, 13),
        DecodeReason.LINK_LAYER_TRUNCATED);
    byte[] tagged = ethernet(0x8100, hex("0001"));
    expectLink(TunnelClassifier.LINKTYPE_ETHERNET, tagged, DecodeReason.LINK_LAYER_TRUNCATED);
    expectLink(
        TunnelClassifier.LINKTYPE_LINUX_SLL, new byte[15], DecodeReason.LINK_LAYER_TRUNCATED);
    expectLink(
        TunnelClassifier.LINKTYPE_LINUX_SLL2, new byte[19], DecodeReason.LINK_LAYER_TRUNCATED);
    expectLink(TunnelClassifier.LINKTYPE_NULL, new byte[3], DecodeReason.LINK_LAYER_TRUNCATED);
  }

  @Test
  void linkTypeUnsupported() {
    expectLink(105, new byte[64], DecodeReason.LINK_TYPE_UNSUPPORTED); // IEEE 802.11
    expectLink(-1, new byte[64], DecodeReason.LINK_TYPE_UNSUPPORTED);
  }

  @Test
  void ipTruncated() {
    byte[] good = ipv4(IpProtocol.GRE, erspanII());
    expectIp(Arrays.copyOf(good, good.length - 1), DecodeReason.IP_TRUNCATED);
    expectIp(Arrays.copyOf(good, 19), DecodeReason.IP_TRUNCATED);
    expectIp(new byte[0], DecodeReason.IP_TRUNCATED);
    byte[] v6 = ipv6(IpProtocol.GRE, erspanII());
    expectIp(Arrays.copyOf(v6, 39), DecodeReason.IP_TRUNCATED);
    expectIp(Arrays.copyOf(v6, v6.length - 1), DecodeReason.IP_TRUNCATED);
    byte[] options = with(good, 0, 0x4F); // IHL 60 bytes > total length
    expectIp(Arrays.copyOf(options, 40), DecodeReason.IP_TRUNCATED);
  }

  @Test
  void ipBadVersion() {
    byte[] good = ipv4(IpProtocol.GRE, erspanII());
    expectIp(with(good, 0, 0x55), DecodeReason.IP_BAD_VERSION);
    expectIp(with(good, 0, 0xF5), DecodeReason.IP_BAD_VERSION);
    // the link layer says IPv4 but the packet says IPv6, and vice versa
    expectLink(
        TunnelClassifier.LINKTYPE_ETHERNET,
        ethernet(0x0800, ipv6(IpProtocol.GRE, erspanII())),
        DecodeReason.IP_BAD_VERSION);
    expectLink(TunnelClassifier.LINKTYPE_IPV6, good, DecodeReason.IP_BAD_VERSION);
  }

  @Test
  void ipBadHeaderLength() {
    expectIp(with(ipv4(IpProtocol.GRE, erspanII()), 0, 0x44), DecodeReason.IP_BAD_HEADER_LENGTH);
    expectIp(with(ipv4(IpProtocol.GRE, erspanII()), 0, 0x40), DecodeReason.IP_BAD_HEADER_LENGTH);
  }

  @Test
  void ipBadTotalLength() {
    byte[] bad = with(with(ipv4(IpProtocol.GRE, erspanII()), 2, 0), 3, 19);
    expectIp(bad, DecodeReason.IP_BAD_TOTAL_LENGTH);
  }

  @Test
  void ipv6ExtensionHeaderTruncated() {
    // a hop-by-hop header claiming 16 bytes with only 8 in the payload
    byte[] hopByHop = ipv6Extension(IpProtocol.GRE, 1);
    hopByHop[1] = 1;
    expectIp(ipv6(0, hopByHop), DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
    expectIp(ipv6(60, new byte[4]), DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
    expectIp(ipv6(44, new byte[7]), DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
    expectIp(ipv6(51, hex("2f030000 00000000")), DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
  }

  @Test
  void ipv6FragmentUnsupported() {
    byte[] first = concat(hex("2f000001 12345678"), erspanII()); // offset 0, M=1
    expectIp(ipv6(44, first), DecodeReason.IPV6_FRAGMENT_UNSUPPORTED);
    byte[] later = concat(hex("2f0005c8 12345678"), erspanII()); // offset 185, M=0
    expectIp(ipv6(44, later), DecodeReason.IPV6_FRAGMENT_UNSUPPORTED);
    assertThat(out.outerIpProtocol()).isEqualTo(44);
  }

  @Test
  void udpTruncated() {
    expectIp(ipv4(IpProtocol.UDP, hex("12b512b5")), DecodeReason.UDP_TRUNCATED);
    expectIp(ipv6(IpProtocol.UDP, hex("12b512b5000c")), DecodeReason.UDP_TRUNCATED);
  }

  @Test
  void udpBadLength() {
    byte[] good = ipv4(IpProtocol.UDP, udp(1, 4789, vxlan()));
    expectIp(with(with(good, 24, 0), 25, 7), DecodeReason.UDP_BAD_LENGTH); // below 8
    expectIp(with(good, 24, 0x7F), DecodeReason.UDP_BAD_LENGTH); // beyond the IP payload
  }

  @Test
  void greTruncated() {
    expectGre(hex("000088"), DecodeReason.GRE_TRUNCATED);
    expectGre(hex("3000655800000001"), DecodeReason.GRE_TRUNCATED); // K+S need 12 bytes
    expectGre(hex("b0006558"), DecodeReason.GRE_TRUNCATED);
    expectIp(ipv4(IpProtocol.GRE, new byte[0]), DecodeReason.GRE_TRUNCATED);
  }

  @Test
  void greBadVersion() {
    for (int version = 2; version <= 7; version++) {
      expectGre(with(erspanII(), 1, version), DecodeReason.GRE_BAD_VERSION);
    }
  }

  @Test
  void greRoutingPresent() {
    expectGre(with(erspanII(), 0, 0x50), DecodeReason.GRE_ROUTING_PRESENT);
  }

  @Test
  void erspanTruncated() {
    byte[] good = erspanII();
    expectGre(Arrays.copyOf(good, 8), DecodeReason.ERSPAN_TRUNCATED); // S set, no header at all
    expectGre(Arrays.copyOf(good, 15), DecodeReason.ERSPAN_TRUNCATED);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.ERSPAN_II);
    expectGre(Arrays.copyOf(erspanIIIHeader(0, false), 15), DecodeReason.ERSPAN_TRUNCATED);
    expectGre(Arrays.copyOf(erspanIIIHeader(0, false), 4), DecodeReason.ERSPAN_TRUNCATED);
  }

  @Test
  void erspanBadVersion() {
    byte[] good = erspanII();
    expectGre(with(good, 8, 0xF1), DecodeReason.ERSPAN_BAD_VERSION); // Ver 15
    expectGre(with(good, 8, 0x01), DecodeReason.ERSPAN_BAD_VERSION); // Ver 0 (Scapy default)
    expectGre(with(good, 8, 0x31), DecodeReason.ERSPAN_BAD_VERSION); // Ver 3
    byte[] type3 = concat(erspanIIIHeader(0, false), innerFrame(60));
    expectGre(with(type3, 4, 0x10), DecodeReason.ERSPAN_BAD_VERSION); // Ver 1 under 0x22EB
    expectGre(with(type3, 4, 0xF0), DecodeReason.ERSPAN_BAD_VERSION);
  }

  @Test
  void erspanFrameTypeUnsupported() {
    for (int ft : new int[] {1, 3, 4, 5, 6, 8, 31}) {
      expectGre(
          concat(erspanIIIHeader(ft, false), innerFrame(60)),
          DecodeReason.ERSPAN_FRAME_TYPE_UNSUPPORTED);
      assertThat(out.frameType()).isEqualTo(ft);
    }
    // FT=7 with a declared sub-header: never seen, the frame start is unknown
    expectGre(
        concat(erspanIIIHeader(7, true), new byte[8], innerFrame(60)),
        DecodeReason.ERSPAN_FRAME_TYPE_UNSUPPORTED);
  }

  @Test
  void erspanSubheaderTruncated() {
    expectGre(
        concat(erspanIIIHeader(0, true), new byte[7]), DecodeReason.ERSPAN_SUBHEADER_TRUNCATED);
    expectGre(
        concat(erspanIIIHeader(7, false), new byte[7]), DecodeReason.ERSPAN_SUBHEADER_TRUNCATED);
  }

  @Test
  void vxlanTruncated() {
    expectUdpPayload(Arrays.copyOf(vxlan(), 7), 4789, DecodeReason.VXLAN_TRUNCATED);
    expectIp(ipv4(IpProtocol.UDP, udp(1, 4789, new byte[0])), DecodeReason.VXLAN_TRUNCATED);
  }

  @Test
  void vxlanIFlagMissing() {
    expectUdpPayload(with(vxlan(), 0, 0x00), 4789, DecodeReason.VXLAN_I_FLAG_MISSING);
    expectUdpPayload(with(vxlan(), 0, 0xF7), 4789, DecodeReason.VXLAN_I_FLAG_MISSING);
  }

  @Test
  void innerFrameEmpty() {
    expectGre(
        encode(b -> TunnelEncoder.writeGreTeb(b, true, 1, true, 2)),
        DecodeReason.INNER_FRAME_EMPTY);
    expectGre(
        encode(b -> TunnelEncoder.writeErspanII(b, 1, 2, 0, 0, 0, false, 0)),
        DecodeReason.INNER_FRAME_EMPTY);
    expectGre(encode(TunnelEncoder::writeErspanI), DecodeReason.INNER_FRAME_EMPTY);
    expectUdpPayload(
        encode(b -> TunnelEncoder.writeVxlan(b, 1)), 4789, DecodeReason.INNER_FRAME_EMPTY);
    expectUdpPayload(greInUdp(0x0800, new byte[0]), 4754, DecodeReason.INNER_FRAME_EMPTY);
    expectGre(erspanIIIHeader(2, false), DecodeReason.INNER_FRAME_EMPTY);
  }

  @Test
  void innerEthernetTooShort() {
    byte[] good = erspanII();
    expectGre(Arrays.copyOf(good, 16 + 13), DecodeReason.INNER_ETHERNET_TOO_SHORT);
    expectGre(Arrays.copyOf(good, 16 + 1), DecodeReason.INNER_ETHERNET_TOO_SHORT);
    expectGre(Arrays.copyOf(good, 16 + 14), DecodeReason.NONE);
  }

  @Test
  void innerIpBadVersion() {
    expectUdpPayload(
        greInUdp(0x0800, TestPackets.innerIpv6(40)), 4754, DecodeReason.INNER_IP_BAD_VERSION);
    expectUdpPayload(greInUdp(0x86DD, innerIpv4(40)), 4754, DecodeReason.INNER_IP_BAD_VERSION);
    expectGre(
        concat(erspanIIIHeader(2, false), with(innerIpv4(40), 0, 0x55)),
        DecodeReason.INNER_IP_BAD_VERSION);
  }

  @Test
  void innerIpTooShort() {
    expectUdpPayload(
        greInUdp(0x0800, Arrays.copyOf(innerIpv4(40), 19)), 4754, DecodeReason.INNER_IP_TOO_SHORT);
    expectGre(
        concat(erspanIIIHeader(2, false), Arrays.copyOf(TestPackets.innerIpv6(40), 39)),
        DecodeReason.INNER_IP_TOO_SHORT);
  }

  /** Guards this class: adding a DecodeReason without a test named after it fails the build. */
  @Test
  void everyDecodeReasonHasANamedTest() {
    Set<String> tests =
        Arrays.stream(getClass().getDeclaredMethods())
            .filter(m -> m.isAnnotationPresent(Test.class))
            .map(Method::getName)
            .collect(Collectors.toSet());
    for (DecodeReason reason : DecodeReason.values()) {
      assertThat(tests).as("test for " + reason.label()).contains(lowerCamel(reason.label()));
    }
  }

  private static String lowerCamel(String label) {
    StringBuilder sb = new StringBuilder();
    for (String part : label.split("_")) {
      sb.append(
          sb.isEmpty() ? part : part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1));
    }
    return sb.toString();
  }
}
