package dev.tapwire.wire.tunnel;

import static dev.tapwire.wire.tunnel.testing.TestPackets.concat;
import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ethernet;
import static dev.tapwire.wire.tunnel.testing.TestPackets.hex;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerFrame;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerIpv4;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerIpv6;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv4;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv6;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv6Extension;
import static dev.tapwire.wire.tunnel.testing.TestPackets.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.wire.erspan.ErspanEncoder;
import dev.tapwire.wire.gre.GreEncoder;
import dev.tapwire.wire.gre.GreHeader;
import dev.tapwire.wire.gre.GreProtocolType;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.tunnel.testing.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Classification behaviour beyond single malformed fields: link types, quirks, API contract. */
class TunnelClassifierTest {
  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame out = new DecodedFrame();
  private final byte[] frame = innerFrame(64);
  private final byte[] erspanIIPacket =
      ipv4(
          IpProtocol.GRE,
          concat(encode(b -> TunnelEncoder.writeErspanII(b, 9, 33, 0, 0, 0, false, 1)), frame));

  private void assertFrame(ByteBuf buf, byte[] expected) {
    assertThat(out.verdict()).as(out.toString()).isEqualTo(Verdict.FRAME);
    assertThat(ByteBufUtil.getBytes(buf, out.innerOffset(), out.innerLength())).isEqualTo(expected);
  }

  private Verdict link(int linkType, byte[] record) {
    ByteBuf buf = TestPackets.atOffset3(record);
    Verdict verdict = classifier.classifyLinkLayer(linkType, buf, 3, record.length, out);
    if (verdict == Verdict.FRAME) {
      assertFrame(buf, frame);
    }
    return verdict;
  }

  private Verdict gre(byte[] gre) {
    return classifier.classifyGre(TestPackets.atOffset3(gre), 3, gre.length, out);
  }

  // ---- link layers ----

  @Test
  void ethernetWithVlanTags() {
    assertThat(link(TunnelClassifier.LINKTYPE_ETHERNET, ethernet(0x0800, erspanIIPacket)))
        .isEqualTo(Verdict.FRAME);
    for (int tpid : new int[] {0x8100, 0x88A8, 0x9100}) {
      byte[] tagged = ethernet(tpid, concat(hex("0064 0800"), erspanIIPacket));
      assertThat(link(TunnelClassifier.LINKTYPE_ETHERNET, tagged)).isEqualTo(Verdict.FRAME);
    }
    byte[] qinq =
        ethernet(
            0x88A8,
            concat(
                hex("0064 8100 00c8 86dd"),
                ipv6(IpProtocol.GRE, concat(encode(TunnelEncoder::writeErspanI), frame))));
    assertThat(link(TunnelClassifier.LINKTYPE_ETHERNET, qinq)).isEqualTo(Verdict.FRAME);
    assertThat(out.outerIpVersion()).isEqualTo(6);
    assertThat(out.outerIpOffset()).isEqualTo(3 + 14 + 8);
  }

  @Test
  void linuxCookedV1AndV2() {
    byte[] sll = concat(hex("0000 0001 0006 020000000001 0000 0800"), erspanIIPacket);
    assertThat(link(TunnelClassifier.LINKTYPE_LINUX_SLL, sll)).isEqualTo(Verdict.FRAME);
    byte[] sllVlan = concat(hex("0000 0001 0006 020000000001 0000 8100 0005 0800"), erspanIIPacket);
    assertThat(link(TunnelClassifier.LINKTYPE_LINUX_SLL, sllVlan)).isEqualTo(Verdict.FRAME);
    byte[] sll2 = concat(hex("0800 0000 00000002 0001 00 06 020000000001 0000"), erspanIIPacket);
    assertThat(link(TunnelClassifier.LINKTYPE_LINUX_SLL2, sll2)).isEqualTo(Verdict.FRAME);
    byte[] sll2Arp = concat(hex("0806 0000 00000002 0001 00 06 020000000001 0000"), new byte[28]);
    assertThat(link(TunnelClassifier.LINKTYPE_LINUX_SLL2, sll2Arp)).isEqualTo(Verdict.NOT_TUNNEL);
  }

  @Test
  void rawIpLinkTypes() {
    byte[] v6 = ipv6(IpProtocol.GRE, concat(encode(TunnelEncoder::writeErspanI), frame));
    assertThat(link(TunnelClassifier.LINKTYPE_RAW, erspanIIPacket)).isEqualTo(Verdict.FRAME);
    assertThat(link(TunnelClassifier.LINKTYPE_RAW, v6)).isEqualTo(Verdict.FRAME);
    assertThat(link(TunnelClassifier.LINKTYPE_IPV4, erspanIIPacket)).isEqualTo(Verdict.FRAME);
    assertThat(link(TunnelClassifier.LINKTYPE_IPV6, v6)).isEqualTo(Verdict.FRAME);
    assertThat(link(TunnelClassifier.LINKTYPE_IPV4, v6)).isEqualTo(Verdict.INVALID);
  }

  @Test
  void bsdLoopbackInEitherByteOrder() {
    byte[] v6 = ipv6(IpProtocol.GRE, concat(encode(TunnelEncoder::writeErspanI), frame));
    assertThat(link(TunnelClassifier.LINKTYPE_NULL, concat(hex("02000000"), erspanIIPacket)))
        .isEqualTo(Verdict.FRAME);
    assertThat(link(TunnelClassifier.LINKTYPE_NULL, concat(hex("00000002"), erspanIIPacket)))
        .isEqualTo(Verdict.FRAME);
    for (String family :
        new String[] {"0a000000", "18000000", "1c000000", "1e000000", "0000001e"}) {
      assertThat(link(TunnelClassifier.LINKTYPE_NULL, concat(hex(family), v6)))
          .as(family)
          .isEqualTo(Verdict.FRAME);
    }
    assertThat(link(TunnelClassifier.LINKTYPE_LOOP, concat(hex("00000002"), erspanIIPacket)))
        .isEqualTo(Verdict.FRAME);
    assertThat(link(TunnelClassifier.LINKTYPE_LOOP, concat(hex("02000000"), erspanIIPacket)))
        .isEqualTo(Verdict.NOT_TUNNEL);
  }

  // ---- bounds ----

  @Test
  void ethernetPaddingAfterTheIpPacketIsNotPartOfTheFrame() {
    byte[] padded = concat(ethernet(0x0800, erspanIIPacket), new byte[10]);
    assertThat(link(TunnelClassifier.LINKTYPE_ETHERNET, padded)).isEqualTo(Verdict.FRAME);
    assertThat(out.outerIpTotalLength()).isEqualTo(erspanIIPacket.length);
  }

  @Test
  void udpLengthBoundsTheTunnelPayload() {
    byte[] vxlan = concat(encode(b -> TunnelEncoder.writeVxlan(b, 1)), frame);
    byte[] datagram = udp(1, 4789, vxlan);
    // trailing bytes inside the IP payload but after the UDP length
    byte[] packet = ipv4(IpProtocol.UDP, concat(datagram, new byte[6]));
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    classifier.classifyIp(buf, 0, packet.length, out);
    assertFrame(buf, frame);
  }

  @Test
  void ipv4OptionsAreSkipped() {
    byte[] withOptions =
        concat(
            Arrays.copyOf(erspanIIPacket, 20),
            hex("01010101"),
            Arrays.copyOfRange(erspanIIPacket, 20, erspanIIPacket.length));
    withOptions[0] = 0x46;
    int total = withOptions.length;
    withOptions[2] = (byte) (total >>> 8);
    withOptions[3] = (byte) total;
    ByteBuf buf = Unpooled.wrappedBuffer(withOptions);
    classifier.classifyIp(buf, 0, total, out);
    assertFrame(buf, frame);
  }

  @Test
  void ipv6ExtensionHeadersBeforeGre() {
    byte[] gre =
        concat(encode(b -> TunnelEncoder.writeErspanII(b, 9, 33, 0, 0, 0, false, 1)), frame);
    byte[] chain =
        concat(
            ipv6Extension(43, 1), // hop-by-hop -> routing
            ipv6Extension(60, 2), // routing -> destination options
            ipv6Extension(51, 1), // destination options -> AH
            hex("2c020000 00000001 00000000 00000000"), // AH (16 bytes) -> fragment
            hex("2f000000 00000001"), // atomic fragment (offset 0, M=0) -> GRE
            gre);
    byte[] packet = ipv6(0, chain);
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    classifier.classifyIp(buf, 0, packet.length, out);
    assertFrame(buf, frame);
    assertThat(out.outerIpProtocol()).isEqualTo(IpProtocol.GRE);
    assertThat(out.greOffset()).isEqualTo(40 + 8 + 16 + 8 + 16 + 8);
  }

  // ---- GRE and ERSPAN quirks ----

  @Test
  void badGreChecksumIsFlaggedNotDropped() {
    ByteBuf buf = Unpooled.buffer();
    GreEncoder.write(
        buf,
        GreHeader.FLAG_CHECKSUM | GreHeader.FLAG_KEY,
        GreProtocolType.TRANSPARENT_ETHERNET_BRIDGING,
        5,
        0);
    buf.writeBytes(frame);
    GreEncoder.fillChecksum(buf, 0, buf.readableBytes());
    byte[] good = ByteBufUtil.getBytes(buf);
    assertThat(gre(good)).isEqualTo(Verdict.FRAME);
    assertThat(out.checksumPresent()).isTrue();
    assertThat(out.checksumValid()).isTrue();
    assertThat(out.key()).isEqualTo(5);

    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 1;
    assertThat(gre(bad)).isEqualTo(Verdict.FRAME);
    assertThat(out.checksumPresent()).isTrue();
    assertThat(out.checksumValid()).isFalse();

    gre(concat(encode(TunnelEncoder::writeErspanI), frame));
    assertThat(out.checksumPresent()).isFalse();
    assertThat(out.checksumValid()).isFalse();
  }

  @Test
  void typeIIsDecidedByTheMissingSequenceBitAloneLikeWiresharkAndZeek() {
    // 0x88BE with K and C but no S: Type I, the key and checksum are skipped by flag
    ByteBuf buf = Unpooled.buffer();
    GreEncoder.write(
        buf, GreHeader.FLAG_CHECKSUM | GreHeader.FLAG_KEY, GreProtocolType.ERSPAN_I_II, 0xABCD, 0);
    buf.writeBytes(frame);
    GreEncoder.fillChecksum(buf, 0, buf.readableBytes());
    ByteBuf at3 = TestPackets.atOffset3(ByteBufUtil.getBytes(buf));
    classifier.classifyGre(at3, 3, buf.readableBytes(), out);
    assertFrame(at3, frame);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.ERSPAN_I);
    assertThat(out.key()).isEqualTo(0xABCD);
    assertThat(out.streamId()).isEqualTo(-1);
  }

  @Test
  void version2HeaderUnder88beIsDecodedAsTypeIIILikeWireshark() {
    byte[] gre =
        concat(
            encode(b -> GreEncoder.writeWithSequence(b, GreProtocolType.ERSPAN_I_II, 5)),
            encode(
                b ->
                    ErspanEncoder.writeType3(b, 7, 0, 0, 0, false, 99, 0, true, 0, 1, 1, 0, false)),
            frame);
    ByteBuf buf = TestPackets.atOffset3(gre);
    classifier.classifyGre(buf, 3, gre.length, out);
    assertFrame(buf, frame);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.ERSPAN_III);
    assertThat(out.greProtocolType()).isEqualTo(0x88BE);
    assertThat(out.sessionId()).isEqualTo(7);
    assertThat(out.timestamp()).isEqualTo(99);
  }

  @Test
  void typeIIIWithoutSequenceWithSubHeaderAndIpFrameType() {
    for (byte[] ip : new byte[][] {innerIpv4(60), innerIpv6(60)}) {
      byte[] gre =
          concat(
              encode(b -> GreEncoder.write(b, GreProtocolType.ERSPAN_III)),
              encode(
                  b ->
                      ErspanEncoder.writeType3(
                          b, 7, 0, 0, 0, false, 99, 0, false, 2, 1, 1, 1, true)),
              hex("14001234 00000001"), // platform id 5, switch 0, port 0x1234, seconds 1
              ip);
      ByteBuf buf = TestPackets.atOffset3(gre);
      classifier.classifyGre(buf, 3, gre.length, out);
      assertFrame(buf, ip);
      assertThat(out.innerProtocol())
          .isEqualTo(ip.length == 60 && ip[0] == 0x45 ? InnerProtocol.IPV4 : InnerProtocol.IPV6);
      assertThat(out.frameType()).isEqualTo(2);
      assertThat(out.platformId()).isEqualTo(5);
      assertThat(out.captureTimeNs()).isEqualTo(-1); // Gra=1
      assertThat(out.hasSequence()).isFalse();
    }
  }

  @Test
  void frameType7WithoutOSkipsTheUndeclaredBlock() {
    byte[] gre =
        concat(
            encode(b -> GreEncoder.writeWithSequence(b, GreProtocolType.ERSPAN_III, 1)),
            encode(
                b ->
                    ErspanEncoder.writeType3(
                        b, 101, 1, 0, 3, false, 0x00001234, 0, false, 7, 32, 0, 3, false)),
            hex("0000abc5 00000002"),
            frame);
    ByteBuf buf = TestPackets.atOffset3(gre);
    classifier.classifyGre(buf, 3, gre.length, out);
    assertFrame(buf, frame);
    assertThat(out.undeclaredBytesSkipped()).isEqualTo(8);
    assertThat(out.platformId()).isZero();
    // Gra=3 with id 0 (alias of 7): the second word is the upper 32 bits of the timestamp
    assertThat(out.captureTimeNs()).isEqualTo(0x2_0000_1234L);
  }

  @Test
  void subHeaderIdsWithoutUpperTimestampGiveNoCaptureTime() {
    for (String subHeader :
        new String[] {"04000001 00000005", "10000000 00000005", "08000000 00000005"}) {
      byte[] gre =
          concat(
              encode(b -> GreEncoder.write(b, GreProtocolType.ERSPAN_III)),
              encode(
                  b ->
                      ErspanEncoder.writeType3(b, 1, 0, 0, 0, false, 7, 0, true, 0, 0, 0, 3, true)),
              hex(subHeader),
              frame);
      gre(gre);
      assertThat(out.verdict()).isEqualTo(Verdict.FRAME);
      assertThat(out.captureTimeNs()).as(subHeader).isEqualTo(-1);
    }
  }

  @Test
  void reservedGreFlagBitsAreIgnored() {
    // s, Recur and the 0x00F8 flag bits: Linux ignores them, so do we
    byte[] gre =
        concat(encode(b -> TunnelEncoder.writeErspanII(b, 1, 2, 0, 0, 0, false, 0)), frame);
    gre[0] |= 0x0F;
    gre[1] |= (byte) 0xF8;
    assertThat(gre(gre)).isEqualTo(Verdict.FRAME);
    assertThat(out.sessionId()).isEqualTo(2);
  }

  @Test
  void vxlanReservedBitsAreIgnored() {
    byte[] vxlan = concat(hex("ffffffff 000064ff"), frame);
    classifier.classifyUdpPayload(Unpooled.wrappedBuffer(vxlan), 0, vxlan.length, 4789, out);
    assertThat(out.verdict()).isEqualTo(Verdict.FRAME);
    assertThat(out.vni()).isEqualTo(100);
  }

  @Test
  void decapsulatesExactlyOnce() {
    // the mirrored frame is itself an Ethernet/IPv4/GRE/ERSPAN II packet: it stays as it is
    byte[] mirroredTunnel = ethernet(0x0800, erspanIIPacket);
    byte[] outer =
        ipv4(
            IpProtocol.GRE,
            concat(
                encode(b -> TunnelEncoder.writeErspanII(b, 1, 500, 0, 0, 0, false, 0)),
                mirroredTunnel));
    ByteBuf buf = Unpooled.wrappedBuffer(outer);
    classifier.classifyIp(buf, 0, outer.length, out);
    assertFrame(buf, mirroredTunnel);
    assertThat(out.sessionId()).isEqualTo(500);
  }

  // ---- entry points and configuration ----

  @Test
  void classifyGreKeepsCallerAddresses() {
    byte[] gre =
        concat(encode(b -> TunnelEncoder.writeErspanII(b, 1, 2, 0, 0, 0, false, 0)), frame);
    out.reset();
    out.setOuterAddresses(TestPackets.IPV6_SOURCE, TestPackets.IPV6_DESTINATION, 16);
    gre(gre);
    assertThat(out.verdict()).isEqualTo(Verdict.FRAME);
    assertThat(out.carrier()).isEqualTo(Carrier.IP);
    assertThat(out.outerIpVersion()).isEqualTo(6);
    assertThat(out.addressLength()).isEqualTo(16);
    assertThat(Arrays.copyOf(out.outerSourceAddress(), 16)).isEqualTo(TestPackets.IPV6_SOURCE);
    assertThat(out.outerIpOffset()).isEqualTo(-1);

    ByteBuf addresses = Unpooled.wrappedBuffer(erspanIIPacket);
    out.reset();
    out.setOuterAddresses(addresses, 12, 16, 4);
    assertThat(out.outerSourceIpv4()).isEqualTo(0xC6120001);
    assertThat(out.outerDestinationIpv4()).isEqualTo(0xC6120002);
    assertThatThrownBy(() -> out.setOuterAddresses(new byte[8], new byte[8], 8))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configurablePorts() {
    byte[] vxlan = concat(encode(b -> TunnelEncoder.writeVxlan(b, 1)), frame);
    ByteBuf buf = Unpooled.wrappedBuffer(vxlan);
    TunnelClassifier legacy = new TunnelClassifier(8472, 0);
    assertThat(legacy.classifyUdpPayload(buf, 0, vxlan.length, 8472, out)).isEqualTo(Verdict.FRAME);
    assertThat(legacy.classifyUdpPayload(buf, 0, vxlan.length, 4789, out))
        .isEqualTo(Verdict.NOT_TUNNEL);
    assertThat(legacy.classifyUdpPayload(buf, 0, vxlan.length, 0, out))
        .isEqualTo(Verdict.NOT_TUNNEL);
    byte[] greUdp = concat(encode(b -> GreEncoder.write(b, GreProtocolType.IPV4)), innerIpv4(40));
    assertThat(
            legacy.classifyUdpPayload(Unpooled.wrappedBuffer(greUdp), 0, greUdp.length, 4754, out))
        .isEqualTo(Verdict.NOT_TUNNEL);
    assertThat(legacy.vxlanPort()).isEqualTo(8472);
    assertThat(new TunnelClassifier().greInUdpPort()).isEqualTo(4754);
    assertThatThrownBy(() -> new TunnelClassifier(4789, 4789))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TunnelClassifier(65536, 4754))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TunnelClassifier(4789, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void severalVxlanPorts() {
    byte[] vxlan = concat(encode(b -> TunnelEncoder.writeVxlan(b, 1)), frame);
    ByteBuf buf = Unpooled.wrappedBuffer(vxlan);
    TunnelClassifier both = new TunnelClassifier(new int[] {4789, 8472}, 4754);
    assertThat(both.classifyUdpPayload(buf, 0, vxlan.length, 4789, out)).isEqualTo(Verdict.FRAME);
    assertThat(both.classifyUdpPayload(buf, 0, vxlan.length, 8472, out)).isEqualTo(Verdict.FRAME);
    assertThat(both.classifyUdpPayload(buf, 0, vxlan.length, 4790, out))
        .isEqualTo(Verdict.NOT_TUNNEL);
    assertThat(both.vxlanPorts()).containsExactly(4789, 8472);
    assertThatThrownBy(() -> new TunnelClassifier(new int[] {4789, 4754}, 4754))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TunnelClassifier(new int[] {0}, 4754))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void programmingErrorsThrow() {
    ByteBuf buf = Unpooled.wrappedBuffer(new byte[10]);
    assertThatThrownBy(() -> classifier.classifyIp(buf, 0, -1, out))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> classifier.classifyIp(buf, -1, 5, out))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> classifier.classifyGre(buf, 5, 6, out))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> classifier.classifyUdpPayload(buf, 0, 11, 4789, out))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> classifier.classifyLinkLayer(1, buf, Integer.MAX_VALUE, 1, out))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reusedResultHasNoStaleFields() {
    byte[] type3 =
        ipv4(
            IpProtocol.GRE,
            concat(
                encode(b -> TunnelEncoder.writeErspanIII(b, 1, 2, 3, 4, 1, true, 123, 5, 1, 6)),
                frame));
    classifier.classifyIp(Unpooled.wrappedBuffer(type3), 0, type3.length, out);
    assertThat(out.captureTimeNs()).isEqualTo(123);
    byte[] vxlan =
        ipv4(
            IpProtocol.UDP,
            udp(7, 4789, concat(encode(b -> TunnelEncoder.writeVxlan(b, 1)), frame)));
    classifier.classifyIp(Unpooled.wrappedBuffer(vxlan), 0, vxlan.length, out);
    DecodedFrame fresh = new DecodedFrame();
    classifier.classifyIp(Unpooled.wrappedBuffer(vxlan), 0, vxlan.length, fresh);
    assertThat(out).usingRecursiveComparison().isEqualTo(fresh);
    assertThat(out.sessionId()).isEqualTo(-1);
    assertThat(out.captureTimeNs()).isEqualTo(-1);
    assertThat(out.hasSequence()).isFalse();
    assertThat(out.greProtocolType()).isEqualTo(-1);
  }

  @Test
  void streamKeyDistinguishesCarrierEncapsulationSessionAndSource() {
    Set<Long> hashes = new HashSet<>();
    DecodedFrame a = new DecodedFrame();
    for (int session : new int[] {1, 2}) {
      byte[] gre =
          concat(encode(b -> TunnelEncoder.writeErspanII(b, 1, session, 0, 0, 0, false, 0)), frame);
      for (byte[] packet :
          new byte[][] {
            ipv4(IpProtocol.GRE, gre),
            ipv6(IpProtocol.GRE, gre),
            ipv4(IpProtocol.UDP, udp(1, 4754, gre))
          }) {
        classifier.classifyIp(Unpooled.wrappedBuffer(packet), 0, packet.length, a);
        assertThat(hashes.add(a.streamKeyHash())).as(a.toString()).isTrue();
        // the sequence number and the UDP source port are not part of the key
        byte[] next = packet.clone();
        next[next.length - frame.length - 16 + 7] ^= 1; // last byte of the GRE sequence
        if (next[9] == IpProtocol.UDP) {
          next[21] ^= 1; // UDP source port (entropy)
        }
        DecodedFrame b = new DecodedFrame();
        classifier.classifyIp(Unpooled.wrappedBuffer(next), 0, next.length, b);
        assertThat(b.streamKeyHash()).isEqualTo(a.streamKeyHash());
      }
    }
  }

  @Test
  void labelsAreStableLowerSnakeCase() {
    assertThat(Encapsulation.ERSPAN_I.label()).isEqualTo("erspan_i");
    assertThat(Encapsulation.ERSPAN_II.label()).isEqualTo("erspan_ii");
    assertThat(Encapsulation.ERSPAN_III.label()).isEqualTo("erspan_iii");
    assertThat(Encapsulation.GRE_TEB.label()).isEqualTo("gre_teb");
    assertThat(Encapsulation.GRE_IP.label()).isEqualTo("gre_ip");
    assertThat(Encapsulation.VXLAN.label()).isEqualTo("vxlan");
    assertThat(Carrier.UDP.label()).isEqualTo("udp");
    assertThat(Verdict.NOT_TUNNEL.label()).isEqualTo("not_tunnel");
    assertThat(InnerProtocol.ETHERNET.label()).isEqualTo("ethernet");
    assertThat(DecodeReason.GRE_VERSION_1_PPTP.label()).isEqualTo("gre_version_1_pptp");
    assertThat(DecodeReason.GRE_VERSION_1_PPTP.verdict()).isEqualTo(Verdict.NOT_TUNNEL);
    assertThat(DecodeReason.GRE_ROUTING_PRESENT.verdict()).isEqualTo(Verdict.INVALID);
    Set<String> labels = new HashSet<>();
    for (DecodeReason reason : DecodeReason.values()) {
      assertThat(reason.label()).matches("[a-z][a-z0-9_]*");
      assertThat(labels.add(reason.label())).isTrue();
    }
  }

  @Test
  void toStringShowsTheDecodedFields() {
    byte[] type3 =
        ipv4(
            IpProtocol.GRE,
            concat(
                encode(b -> TunnelEncoder.writeErspanIII(b, 77, 2, 3, 4, 1, true, 123, 5, 1, 6)),
                frame));
    classifier.classifyIp(Unpooled.wrappedBuffer(type3), 0, type3.length, out);
    assertThat(out.toString())
        .contains(
            "FRAME",
            "erspan_iii",
            "198.18.0.1->198.18.0.2",
            "seq=77",
            "session=2",
            "captureTimeNs=123",
            "platformId=3");
    byte[] v6 = ipv6(IpProtocol.TCP, new byte[20]);
    classifier.classifyIp(Unpooled.wrappedBuffer(v6), 0, v6.length, out);
    assertThat(out.toString())
        .contains("NOT_TUNNEL", "ip_protocol_not_tunnel", "2001:db8:0:0:0:0:0:1");
  }
}
