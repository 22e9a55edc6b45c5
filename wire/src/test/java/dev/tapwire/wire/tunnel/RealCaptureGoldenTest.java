package dev.tapwire.wire.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tapwire.wire.erspan.ErspanPlatformSubHeader;
import dev.tapwire.wire.tunnel.testing.ClassifiedCapture;
import dev.tapwire.wire.tunnel.testing.ClassifiedCapture.Packet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Classifies every record of every tunnelled real capture in {@code shared/testdata/real} and
 * checks verdict counts and the decoded fields against the values documented in its README and in
 * {@code docs/wire-formats.md} (and, where those are silent, against hand-decoded header bytes).
 */
class RealCaptureGoldenTest {

  @Test
  void erspanTypeI3_typeIWithTaggedArp() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-i-3.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_i", 1));
    Packet p = c.packets().getFirst();
    DecodedFrame f = p.frame();
    assertThat(p.outerSource()).isEqualTo("192.168.90.17");
    assertThat(p.outerDestination()).isEqualTo("192.168.90.127");
    assertThat(f.carrier()).isEqualTo(Carrier.IP);
    assertThat(f.innerProtocol()).isEqualTo(InnerProtocol.ETHERNET);
    assertThat(f.greFlags()).isZero();
    assertThat(f.greProtocolType()).isEqualTo(0x88BE);
    assertThat(f.hasSequence()).isFalse();
    assertThat(f.erspanVersion()).isEqualTo(-1);
    assertThat(f.sessionId()).isEqualTo(-1);
    assertThat(f.streamId()).isEqualTo(-1);
    // 14 Ethernet + 20 IPv4 + 4 GRE; the frame runs to the end of the IPv4 total length (88).
    assertThat(f.innerOffset()).isEqualTo(38);
    assertThat(f.innerLength()).isEqualTo(88 - 24);
    // Inner broadcast ARP still carries its 802.1Q tag, VLAN 1.
    assertThat(p.innerHex()).startsWith("ffffffffffff0015fadca1f7" + "81000001" + "0806");
  }

  @Test
  void erspanTypeI4_typeIMixedWithPlainGreOspfAndLldp() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-i-4.pcap");
    assertThat(c.packets()).hasSize(119);
    assertThat(c.summary())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "frame/erspan_i", 88,
                // plain GRE carrying IPv4 (OSPF) between the same endpoints: a routed tunnel
                "not_tunnel/gre_protocol_not_mirror", 8,
                "not_tunnel/ip_protocol_not_tunnel", 16, // OSPF, IP protocol 89
                "not_tunnel/not_ip", 7)); // 5 LLDP 0x88cc + 2 frames of 0x88a7
    for (Packet p : c.frames()) {
      assertThat(p.outerSource()).isEqualTo("20.1.1.1");
      assertThat(p.outerDestination()).isEqualTo("30.1.1.2");
      assertThat(p.frame().streamId()).isEqualTo(-1);
    }
    assertThat(c.frames().stream().filter(p -> p.innerHex().startsWith("8100", 24)).count())
        .isEqualTo(8); // inner 802.1Q VLAN 10
    for (Packet p : c.packets()) {
      if (p.frame().reason() == DecodeReason.GRE_PROTOCOL_NOT_MIRROR) {
        assertThat(p.frame().greProtocolType()).isEqualTo(0x0800);
        assertThat(p.outerSource()).isEqualTo("20.1.1.1");
      }
      if (p.frame().reason() == DecodeReason.IP_PROTOCOL_NOT_TUNNEL) {
        assertThat(p.frame().outerIpProtocol()).isEqualTo(89);
      }
    }
  }

  @Test
  void erspanTypeII1_vlanWithEnZero() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-ii-1.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_ii", 1));
    Packet p = c.packets().getFirst();
    DecodedFrame f = p.frame();
    assertThat(p.outerSource()).isEqualTo("1.1.1.2");
    assertThat(p.outerDestination()).isEqualTo("192.168.255.5");
    assertThat(f.greFlags()).isEqualTo(0x1000);
    assertThat(f.hasSequence()).isTrue();
    assertThat(f.sequence()).isEqualTo(171);
    assertThat(f.hasKey()).isFalse();
    assertThat(f.erspanVersion()).isEqualTo(1);
    assertThat(f.vlan()).isEqualTo(342);
    assertThat(f.encapsulationType()).isZero();
    assertThat(f.cos()).isEqualTo(6);
    assertThat(f.truncated()).isFalse();
    assertThat(f.sessionId()).isEqualTo(666);
    assertThat(f.streamId()).isEqualTo(666);
    assertThat(f.index()).isEqualTo(32760);
    assertThat(f.direction()).isEqualTo(-1);
    assertThat(f.bso()).isEqualTo(-1);
    assertThat(f.innerOffset()).isEqualTo(50);
    assertThat(f.innerLength()).isEqualTo(108 - 36);
    // Inner PIM hello to 224.0.0.13, untouched (no tag inserted despite VLAN=342).
    assertThat(p.innerHex()).startsWith("01005e00000d001f9ed2a9800800");
  }

  @Test
  void erspanTypeII2_twoSourcesShareSessionOneWithIndependentSequences() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-ii-2.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_ii", 16));
    List<Packet> a =
        c.frames().stream().filter(p -> p.outerSource().equals("192.168.195.67")).toList();
    List<Packet> b =
        c.frames().stream().filter(p -> p.outerSource().equals("192.168.195.73")).toList();
    assertThat(a).hasSize(8);
    assertThat(b).hasSize(8);
    // (sequence, VLAN, COS, En) as sent; each source runs its own sequence space, and each source
    // switches between COS 6/En 0 and COS 0/En 1 (ISL) half way.
    assertThat(a)
        .extracting(
            p -> p.frame().sequence(),
            p -> p.frame().vlan(),
            p -> p.frame().cos(),
            p -> p.frame().encapsulationType())
        .containsExactly(
            tuple(1086760L, 101, 6, 0),
            tuple(1086761L, 100, 6, 0),
            tuple(1086762L, 100, 6, 0),
            tuple(1086763L, 101, 6, 0),
            tuple(1086764L, 101, 0, 1),
            tuple(1086765L, 100, 0, 1),
            tuple(1086766L, 100, 0, 1),
            tuple(1086767L, 101, 0, 1));
    assertThat(b)
        .extracting(
            p -> p.frame().sequence(),
            p -> p.frame().vlan(),
            p -> p.frame().cos(),
            p -> p.frame().encapsulationType())
        .containsExactly(
            tuple(1306277L, 101, 0, 1),
            tuple(1306278L, 100, 0, 1),
            tuple(1306279L, 100, 0, 1),
            tuple(1306280L, 101, 0, 1),
            tuple(1306281L, 101, 6, 0),
            tuple(1306282L, 100, 6, 0),
            tuple(1306283L, 100, 6, 0),
            tuple(1306284L, 101, 6, 0));
    for (Packet p : c.frames()) {
      assertThat(p.outerDestination()).isEqualTo("192.168.195.196");
      assertThat(p.frame().sessionId()).isEqualTo(1);
      assertThat(p.frame().streamId()).isEqualTo(1);
    }
    // Same session id, different sources: different streams.
    assertThat(a.getFirst().frame().streamKeyHash())
        .isNotEqualTo(b.getFirst().frame().streamKeyHash());
    assertThat(a.getFirst().frame().streamKeyHash()).isEqualTo(a.getLast().frame().streamKeyHash());
  }

  @Test
  void erspanTypeII3_enDot1qButTagStillInFrame() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-ii-3.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_ii", 108));
    long expectedSequence = 106954;
    int tagged = 0;
    Set<Integer> vlans = new HashSet<>();
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      assertThat(p.outerSource()).isEqualTo("192.168.1.172");
      assertThat(p.outerDestination()).isEqualTo("192.168.1.249");
      assertThat(f.sessionId()).isEqualTo(101);
      assertThat(f.index()).isEqualTo(43973);
      assertThat(f.encapsulationType()).isEqualTo(2);
      assertThat(f.cos()).isZero();
      assertThat(f.sequence()).isEqualTo(expectedSequence++);
      vlans.add(f.vlan());
      if (p.innerHex().startsWith("8100", 24)) {
        tagged++;
      }
    }
    assertThat(vlans).containsExactlyInAnyOrder(1, 865);
    assertThat(tagged).isEqualTo(38); // En says "originally 802.1Q", yet the tag is still there
  }

  @Test
  void erspanTypeIIIFt0_noGreSequenceCustomGranularity() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-iii-ft-0.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_iii", 9));
    assertThat(c.frames())
        .extracting(p -> p.frame().timestamp())
        .containsExactly(
            2740542463L,
            3167244807L,
            3593893971L,
            4020572559L,
            152279931L,
            578913719L,
            1005598749L,
            1432242027L,
            1858898587L); // ~416.7 MHz ticks, wrapping
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      assertThat(p.outerSource()).isEqualTo("10.29.30.104");
      assertThat(f.greFlags()).isZero();
      assertThat(f.greProtocolType()).isEqualTo(0x22EB);
      assertThat(f.hasSequence()).isFalse();
      assertThat(f.erspanVersion()).isEqualTo(2);
      assertThat(f.vlan()).isEqualTo(20);
      assertThat(f.sessionId()).isZero();
      assertThat(f.streamId()).isZero();
      assertThat(f.sgt()).isZero();
      assertThat(f.pBit()).isFalse();
      assertThat(f.frameType()).isZero();
      assertThat(f.hardwareId()).isZero();
      assertThat(f.direction()).isZero();
      assertThat(f.granularity()).isEqualTo(3);
      assertThat(f.subHeaderPresent()).isFalse();
      assertThat(f.captureTimeNs()).isEqualTo(-1);
      assertThat(f.encapsulationType()).isEqualTo(-1);
      assertThat(f.innerOffset()).isEqualTo(14 + 20 + 4 + 12);
      assertThat(p.innerHex()).startsWith("005056ac18a0f8c28890d27b" + "81000014"); // VLAN 20
    }
  }

  @Test
  void erspanTypeIIIFt7_undeclaredEightBytesAreSkippedAndDecoded() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/erspan-type-iii-ft-7.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_iii", 58));
    long expectedSequence = 47838;
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      assertThat(p.outerSource()).isEqualTo("192.168.1.172");
      assertThat(f.greFlags()).isEqualTo(0x1000);
      assertThat(f.sequence()).isEqualTo(expectedSequence++);
      assertThat(f.erspanVersion()).isEqualTo(2);
      assertThat(f.bso()).isEqualTo(3);
      assertThat(f.sessionId()).isEqualTo(101);
      assertThat(f.frameType()).isEqualTo(7);
      assertThat(f.hardwareId()).isEqualTo(32);
      assertThat(f.granularity()).isZero();
      assertThat(f.undeclaredBytesSkipped()).isEqualTo(8);
      assertThat(f.subHeaderPresent()).isTrue();
      assertThat(f.platformId()).isZero(); // 0 = alias of 7
      assertThat(ErspanPlatformSubHeader.portIndex(f.platformSubHeader())).isEqualTo(43973);
      assertThat(f.platformSubHeader() >>> 32).isEqualTo(0x0000abc5L);
      assertThat(f.captureTimeNs()).isEqualTo(-1); // Gra=0: no absolute time
      assertThat(f.innerProtocol()).isEqualTo(InnerProtocol.ETHERNET);
      assertThat(f.innerOffset()).isEqualTo(14 + 20 + 8 + 12 + 8);
    }
  }

  @Test
  void vxlan_vni100BothDirections() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/vxlan.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/vxlan", 10));
    Set<String> sources = new HashSet<>();
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      sources.add(p.outerSource());
      assertThat(f.carrier()).isEqualTo(Carrier.UDP);
      assertThat(f.overUdp()).isTrue();
      assertThat(f.outerDestinationPort()).isEqualTo(4789);
      assertThat(f.vni()).isEqualTo(100);
      assertThat(f.streamId()).isEqualTo(100);
      assertThat(f.greProtocolType()).isEqualTo(-1);
      assertThat(f.innerOffset()).isEqualTo(14 + 20 + 8 + 8);
    }
    assertThat(sources).containsExactlyInAnyOrder("192.168.203.1", "192.168.202.1");
    assertThat(c.frames().stream().filter(p -> p.innerHex().startsWith("0806", 24)).count())
        .isEqualTo(2);
    assertThat(c.frames().getFirst().frame().outerSourcePort()).isEqualTo(45149);
  }

  @Test
  void pptp_greVersion1IsNotAMirror() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/pptp.pcap");
    assertThat(c.file().byteOrder()).isEqualTo(java.nio.ByteOrder.BIG_ENDIAN);
    assertThat(c.summary())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "not_tunnel/gre_version_1_pptp", 1,
                "not_tunnel/ip_protocol_not_tunnel", 22)); // PPTP control over TCP
    Packet gre =
        c.packets().stream()
            .filter(p -> p.frame().reason() == DecodeReason.GRE_VERSION_1_PPTP)
            .findFirst()
            .orElseThrow();
    assertThat(gre.frame().greFlags()).isEqualTo(0x3001);
    assertThat(gre.frame().greProtocolType()).isEqualTo(0x880B);
    assertThat(gre.frame().innerOffset()).isEqualTo(-1);
  }

  @Test
  void zeekErspan_greTebWithKeyAndOuterFragments() {
    ClassifiedCapture c = ClassifiedCapture.of("zeek/erspan.pcap");
    assertThat(c.packets()).hasSize(287);
    // 55 records are outer IPv4 fragments (16 first, 23 middle, 16 last). The README's "39" counts
    // the records tshark leaves undissected: it reassembles at each last fragment.
    assertThat(c.summary())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("frame/gre_teb", 232, "fragment/ipv4_fragment", 55));
    int first = 0;
    int last = 0;
    for (Packet p : c.packets()) {
      DecodedFrame f = p.frame();
      assertThat(p.outerSource()).isEqualTo("10.200.0.3");
      assertThat(p.outerDestination()).isEqualTo("10.200.0.224");
      if (f.verdict() == Verdict.FRAGMENT) {
        assertThat(f.moreFragments() || f.fragmentOffsetBytes() > 0).isTrue();
        assertThat(f.ipv4Identification()).isNotNegative();
        first += f.fragmentOffsetBytes() == 0 ? 1 : 0;
        last += f.moreFragments() ? 0 : 1;
        assertThat(f.innerOffset()).isEqualTo(-1);
      }
    }
    assertThat(first).isEqualTo(16);
    assertThat(last).isEqualTo(16);
    Map<Long, Long> keys =
        c.frames().stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    p -> p.frame().key(), java.util.stream.Collectors.counting()));
    assertThat(keys).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 125L, 0x02000000L, 107L));
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      assertThat(f.greFlags()).isEqualTo(0x2000);
      assertThat(f.hasKey()).isTrue();
      assertThat(f.hasSequence()).isFalse();
      assertThat(f.streamId()).isEqualTo(f.key());
      assertThat(f.innerOffset()).isEqualTo(14 + 20 + 8);
      // VMware OUI on one side of every inner frame
      assertThat(List.of(p.innerHex().substring(0, 6), p.innerHex().substring(12, 18)))
          .contains("005056");
    }
  }

  @Test
  void zeekErspanI_typeI() {
    ClassifiedCapture c = ClassifiedCapture.of("zeek/erspanI.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_i", 10));
    for (Packet p : c.frames()) {
      assertThat(p.frame().greFlags()).isZero();
      assertThat(p.frame().innerOffset()).isEqualTo(38);
      assertThat(p.innerHex().substring(24)).startsWith("0800"); // untagged IPv4 ICMP
    }
  }

  @Test
  void zeekErspanIII_withSequencePBitHwIdAndDirection() {
    ClassifiedCapture c = ClassifiedCapture.of("zeek/erspanIII.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_iii", 2));
    assertThat(c.frames())
        .extracting(
            p -> p.frame().sequence(), p -> p.frame().timestamp(), p -> p.frame().direction())
        .containsExactly(tuple(62123356L, 5208L, 0), tuple(62123357L, 5251L, 1)); // Δ 43 × 100 µs
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      assertThat(f.greFlags()).isEqualTo(0x1000);
      assertThat(f.vlan()).isEqualTo(20);
      assertThat(f.sessionId()).isZero();
      assertThat(f.pBit()).isTrue();
      assertThat(f.frameType()).isZero();
      assertThat(f.hardwareId()).isEqualTo(3);
      assertThat(f.granularity()).isZero();
      assertThat(f.subHeaderPresent()).isFalse();
      assertThat(f.captureTimeNs()).isEqualTo(-1);
      assertThat(f.innerOffset()).isEqualTo(14 + 20 + 8 + 12);
    }
  }

  @Test
  void zeekGreErspan3Dot1q_platformSubHeaderId3GivesEpochNanoseconds() {
    ClassifiedCapture c = ClassifiedCapture.of("zeek/gre-erspan3-dot1q.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/erspan_iii", 2));
    DecodedFrame first = c.frames().get(0).frame();
    DecodedFrame second = c.frames().get(1).frame();
    assertThat(first.greFlags()).isZero();
    assertThat(first.vlan()).isEqualTo(10);
    assertThat(first.granularity()).isEqualTo(3);
    assertThat(first.subHeaderPresent()).isTrue();
    assertThat(first.undeclaredBytesSkipped()).isZero();
    assertThat(first.platformId()).isEqualTo(3);
    assertThat(first.platformSubHeader()).isEqualTo(0x0c000003_15f742e8L);
    assertThat(ErspanPlatformSubHeader.portIndex(first.platformSubHeader())).isEqualTo(3);
    assertThat(ErspanPlatformSubHeader.upperTimestamp(first.platformSubHeader()))
        .isEqualTo(0x15f742e8L);
    assertThat(first.timestamp()).isEqualTo(0x70507e55L);
    // 0x15f742e870507e55 ns = 2020-02-27T12:42:40.128187989Z; the pcap record says .142640
    assertThat(first.captureTimeNs())
        .isEqualTo(0x15f742e8_70507e55L)
        .isEqualTo(1582807360128187989L);
    assertThat(c.frames().get(0).record().timestampNs()).isEqualTo(1582807360142640000L);
    assertThat(second.captureTimeNs()).isEqualTo(0x15f742e8_705726c4L);
    assertThat(first.direction()).isZero();
    assertThat(second.direction()).isEqualTo(1);
    assertThat(first.innerOffset()).isEqualTo(14 + 20 + 4 + 12 + 8);
    assertThat(c.frames().get(0).innerHex().substring(24)).startsWith("8100000a"); // inner VLAN 10
  }

  @Test
  void zeekGreOverUdp4754_innerIpv4() {
    ClassifiedCapture c = ClassifiedCapture.of("zeek/gre-over-udp-4754.pcap");
    assertThat(c.summary()).containsExactlyEntriesOf(Map.of("frame/gre_ip", 14));
    assertThat(c.frames())
        .extracting(p -> p.frame().outerSourcePort())
        .containsExactly(
            50343, 50343, 53571, 53571, 40987, 36527, 40987, 40987, 36527, 36527, 40987, 40987,
            36527, 40987);
    for (Packet p : c.frames()) {
      DecodedFrame f = p.frame();
      assertThat(p.outerSource()).isEqualTo("192.168.0.107");
      assertThat(p.outerDestination()).isEqualTo("192.168.5.1");
      assertThat(f.carrier()).isEqualTo(Carrier.UDP);
      assertThat(f.outerDestinationPort()).isEqualTo(4754);
      assertThat(f.greFlags()).isZero();
      assertThat(f.greProtocolType()).isEqualTo(0x0800);
      assertThat(f.innerProtocol()).isEqualTo(InnerProtocol.IPV4);
      assertThat(f.innerOffset()).isEqualTo(14 + 20 + 8 + 4);
      assertThat(p.innerHex()).startsWith("45");
      assertThat(f.streamId()).isEqualTo(-1);
    }
  }

  @Test
  void greInUdpAndRawGreAreDifferentStreams() {
    DecodedFrame udp =
        ClassifiedCapture.of("zeek/gre-over-udp-4754.pcap").frames().getFirst().frame();
    DecodedFrame copy =
        ClassifiedCapture.of("zeek/gre-over-udp-4754.pcap").frames().getFirst().frame();
    assertThat(udp.streamKeyHash()).isEqualTo(copy.streamKeyHash());
    copy.carrier = Carrier.IP;
    assertThat(copy.streamKeyHash()).isNotEqualTo(udp.streamKeyHash());
  }

  @Test
  void linuxSllCapture_isParsedThroughTheCookedHeader() {
    ClassifiedCapture c = ClassifiedCapture.of("tcpdump/tcp-handshake-nano.pcap");
    assertThat(c.file().linkType()).isEqualTo(TunnelClassifier.LINKTYPE_LINUX_SLL);
    assertThat(c.file().nanosecond()).isTrue();
    assertThat(c.summary())
        .containsExactlyEntriesOf(Map.of("not_tunnel/ip_protocol_not_tunnel", 3));
    assertThat(c.packets().getFirst().frame().outerIpProtocol()).isEqualTo(6);
  }
}
