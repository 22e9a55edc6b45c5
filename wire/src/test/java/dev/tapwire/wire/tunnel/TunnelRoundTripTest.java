package dev.tapwire.wire.tunnel;

import static dev.tapwire.wire.tunnel.testing.TestPackets.concat;
import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerFrame;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerIpv4;
import static dev.tapwire.wire.tunnel.testing.TestPackets.innerIpv6;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv4;
import static dev.tapwire.wire.tunnel.testing.TestPackets.ipv6;
import static dev.tapwire.wire.tunnel.testing.TestPackets.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.gre.GreEncoder;
import dev.tapwire.wire.gre.GreProtocolType;
import dev.tapwire.wire.ip.IpProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Encode with the encoders, wrap in outer headers, classify: every field comes back. */
class TunnelRoundTripTest {
  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame out = new DecodedFrame();

  private Verdict classifyIpv4Gre(byte[] tunnelHeader, byte[] frame) {
    byte[] packet = ipv4(IpProtocol.GRE, concat(tunnelHeader, frame));
    Verdict verdict = classifier.classifyIp(Unpooled.wrappedBuffer(packet), 0, packet.length, out);
    assertInner(Unpooled.wrappedBuffer(packet), frame);
    return verdict;
  }

  private void assertInner(ByteBuf buf, byte[] frame) {
    assertThat(out.verdict()).as(out.toString()).isEqualTo(Verdict.FRAME);
    assertThat(out.reason()).isEqualTo(DecodeReason.NONE);
    assertThat(ByteBufUtil.getBytes(buf, out.innerOffset(), out.innerLength())).isEqualTo(frame);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
  void erspanIISequenceNumbers(long sequence) {
    byte[] frame = innerFrame(64);
    classifyIpv4Gre(
        encode(b -> TunnelEncoder.writeErspanII(b, sequence, 101, 10, 3, 2, false, 7)), frame);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.ERSPAN_II);
    assertThat(out.hasSequence()).isTrue();
    assertThat(out.sequence()).isEqualTo(sequence);
  }

  @Test
  void sequenceWrapsFromFfffffffToZero() {
    long counter = 0xFFFF_FFFFL;
    classifyIpv4Gre(
        encode(b -> TunnelEncoder.writeErspanII(b, counter, 1, 0, 0, 0, false, 0)), innerFrame(60));
    assertThat(out.sequence()).isEqualTo(0xFFFF_FFFFL);
    classifyIpv4Gre(
        encode(b -> TunnelEncoder.writeErspanII(b, counter + 1, 1, 0, 0, 0, false, 0)),
        innerFrame(60));
    assertThat(out.sequence()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1023})
  void erspanIIFields(int sessionId) {
    byte[] frame = innerFrame(1514);
    classifyIpv4Gre(
        encode(b -> TunnelEncoder.writeErspanII(b, 5, sessionId, 4095, 7, 3, true, 0xFFFFF)),
        frame);
    assertThat(out.erspanVersion()).isEqualTo(1);
    assertThat(out.sessionId()).isEqualTo(sessionId);
    assertThat(out.streamId()).isEqualTo(sessionId);
    assertThat(out.vlan()).isEqualTo(4095);
    assertThat(out.cos()).isEqualTo(7);
    assertThat(out.encapsulationType()).isEqualTo(3);
    assertThat(out.truncated()).isTrue();
    assertThat(out.index()).isEqualTo(0xFFFFF);
    assertThat(out.innerLength()).isEqualTo(1514);
  }

  @ParameterizedTest
  @ValueSource(
      longs = {
        0,
        1,
        0xFFFF_FFFFL,
        0x1_0000_0000L,
        1_782_864_000_123_456_789L, // 2026-07-01T00:00:00.123456789Z
        Long.MAX_VALUE
      })
  void erspanIIIKeepsTheFull64BitNanosecondTime(long captureTimeNs) {
    byte[] frame = innerFrame(60);
    classifyIpv4Gre(
        encode(
            b ->
                TunnelEncoder.writeErspanIII(
                    b, 42, 1023, 100, 5, 1, false, captureTimeNs, 17, 1, 0x2abc)),
        frame);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.ERSPAN_III);
    assertThat(out.captureTimeNs()).isEqualTo(captureTimeNs);
    assertThat(out.timestamp()).isEqualTo(captureTimeNs & 0xFFFF_FFFFL);
    assertThat(out.granularity()).isEqualTo(3);
    assertThat(out.subHeaderPresent()).isTrue();
    assertThat(out.undeclaredBytesSkipped()).isZero();
    assertThat(out.platformId()).isEqualTo(3);
    assertThat(dev.tapwire.wire.erspan.ErspanPlatformSubHeader.portIndex(out.platformSubHeader()))
        .isEqualTo(0x2abc);
    assertThat(out.sequence()).isEqualTo(42);
    assertThat(out.sessionId()).isEqualTo(1023);
    assertThat(out.vlan()).isEqualTo(100);
    assertThat(out.cos()).isEqualTo(5);
    assertThat(out.bso()).isEqualTo(1);
    assertThat(out.hardwareId()).isEqualTo(17);
    assertThat(out.direction()).isEqualTo(1);
    assertThat(out.pBit()).isTrue();
    assertThat(out.frameType()).isZero();
    assertThat(out.innerProtocol()).isEqualTo(InnerProtocol.ETHERNET);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1023})
  void erspanIIISessionAndDirection(int sessionId) {
    classifyIpv4Gre(
        encode(b -> TunnelEncoder.writeErspanIII(b, 0, sessionId, 0, 0, 0, true, 5, 0, 0, 0)),
        innerFrame(100));
    assertThat(out.sessionId()).isEqualTo(sessionId);
    assertThat(out.direction()).isZero();
    assertThat(out.truncated()).isTrue();
  }

  @Test
  void erspanI() {
    classifyIpv4Gre(encode(TunnelEncoder::writeErspanI), innerFrame(14));
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.ERSPAN_I);
    assertThat(out.streamId()).isEqualTo(-1);
    assertThat(out.erspanVersion()).isEqualTo(-1);
  }

  @Test
  void greTebWithAndWithoutKey() {
    classifyIpv4Gre(encode(b -> TunnelEncoder.writeGreTeb(b, false, 0, false, 0)), innerFrame(60));
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.GRE_TEB);
    assertThat(out.hasKey()).isFalse();
    assertThat(out.streamId()).isEqualTo(-1);

    classifyIpv4Gre(
        encode(b -> TunnelEncoder.writeGreTeb(b, true, 0xFFFF_FFFFL, true, 0x8000_0000L)),
        innerFrame(60));
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.GRE_TEB);
    assertThat(out.hasKey()).isTrue();
    assertThat(out.key()).isEqualTo(0xFFFF_FFFFL);
    assertThat(out.streamId()).isEqualTo(0xFFFF_FFFFL);
    assertThat(out.sequence()).isEqualTo(0x8000_0000L);

    classifyIpv4Gre(encode(b -> TunnelEncoder.writeGreTeb(b, true, 0, false, 0)), innerFrame(60));
    assertThat(out.key()).isZero();
    assertThat(out.streamId()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, 0xFFFFFF})
  void vxlanOverIpv4AndAsUdpPayload(int vni) {
    byte[] frame = innerFrame(98);
    byte[] vxlan = concat(encode(b -> TunnelEncoder.writeVxlan(b, vni)), frame);
    byte[] packet = ipv4(IpProtocol.UDP, udp(65408, 4789, vxlan));
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    classifier.classifyIp(buf, 0, packet.length, out);
    assertInner(buf, frame);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.VXLAN);
    assertThat(out.vni()).isEqualTo(vni);
    assertThat(out.streamId()).isEqualTo(vni);
    assertThat(out.outerSourcePort()).isEqualTo(65408);

    ByteBuf payload = Unpooled.wrappedBuffer(vxlan);
    out.reset();
    out.setOuterIpv4(0xC6120001, 0xC6120002).setOuterUdpPorts(65408, 4789);
    classifier.classifyUdpPayload(payload, 0, vxlan.length, 4789, out);
    assertInner(payload, frame);
    assertThat(out.vni()).isEqualTo(vni);
    assertThat(out.outerSourceIpv4()).isEqualTo(0xC6120001);
    assertThat(out.outerSourcePort()).isEqualTo(65408);
  }

  @Test
  void vxlanOverIpv6() {
    byte[] frame = innerFrame(64);
    byte[] packet =
        ipv6(
            IpProtocol.UDP,
            udp(1, 4789, concat(encode(b -> TunnelEncoder.writeVxlan(b, 9)), frame)));
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    classifier.classifyIp(buf, 0, packet.length, out);
    assertInner(buf, frame);
    assertThat(out.outerIpVersion()).isEqualTo(6);
    assertThat(out.addressLength()).isEqualTo(16);
    assertThat(out.outerIpTotalLength()).isEqualTo(packet.length);
  }

  @Test
  void erspanIIOverIpv6() {
    byte[] frame = innerFrame(64);
    byte[] packet =
        ipv6(
            IpProtocol.GRE,
            concat(encode(b -> TunnelEncoder.writeErspanII(b, 9, 3, 0, 0, 0, false, 1)), frame));
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    classifier.classifyIp(buf, 0, packet.length, out);
    assertInner(buf, frame);
    assertThat(out.sessionId()).isEqualTo(3);
    assertThat(out.outerSourceAddress())
        .startsWith(dev.tapwire.wire.tunnel.testing.TestPackets.IPV6_SOURCE);
  }

  @Test
  void greInUdpCarriesTebErspanAndIp() {
    byte[] frame = innerFrame(70);
    byte[][] headers = {
      encode(b -> TunnelEncoder.writeGreTeb(b, true, 5, false, 0)),
      encode(b -> TunnelEncoder.writeErspanII(b, 9, 3, 0, 0, 0, false, 1)),
      encode(b -> TunnelEncoder.writeErspanIII(b, 9, 3, 0, 0, 0, false, 77, 0, 0, 0)),
    };
    Encapsulation[] expected = {
      Encapsulation.GRE_TEB, Encapsulation.ERSPAN_II, Encapsulation.ERSPAN_III
    };
    for (int i = 0; i < headers.length; i++) {
      byte[] packet = ipv4(IpProtocol.UDP, udp(40000, 4754, concat(headers[i], frame)));
      ByteBuf buf = Unpooled.wrappedBuffer(packet);
      classifier.classifyIp(buf, 0, packet.length, out);
      assertInner(buf, frame);
      assertThat(out.encapsulation()).isEqualTo(expected[i]);
      assertThat(out.carrier()).isEqualTo(Carrier.UDP);
    }

    byte[] ip4 = innerIpv4(60);
    byte[] packet =
        ipv4(
            IpProtocol.UDP,
            udp(40000, 4754, concat(encode(b -> GreEncoder.write(b, GreProtocolType.IPV4)), ip4)));
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    classifier.classifyIp(buf, 0, packet.length, out);
    assertInner(buf, ip4);
    assertThat(out.encapsulation()).isEqualTo(Encapsulation.GRE_IP);
    assertThat(out.innerProtocol()).isEqualTo(InnerProtocol.IPV4);

    byte[] ip6 = innerIpv6(48);
    byte[] gre6 = concat(encode(b -> GreEncoder.write(b, GreProtocolType.IPV6)), ip6);
    ByteBuf payload = Unpooled.wrappedBuffer(gre6);
    classifier.classifyUdpPayload(payload, 0, gre6.length, 4754, out);
    assertInner(payload, ip6);
    assertThat(out.innerProtocol()).isEqualTo(InnerProtocol.IPV6);
    assertThat(InnerProtocol.IPV6.linkType()).isEqualTo(229);
  }
}
