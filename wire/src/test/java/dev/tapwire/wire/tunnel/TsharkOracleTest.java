package dev.tapwire.wire.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.tunnel.testing.ClassifiedCapture;
import dev.tapwire.wire.tunnel.testing.RealCaptures;
import dev.tapwire.wire.tunnel.testing.TsharkOracle;
import dev.tapwire.wire.tunnel.testing.TsharkOracle.Field;
import dev.tapwire.wire.tunnel.testing.TsharkOracle.Proto;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tshark as the independent oracle: for every packet of every real capture, the classifier and
 * tshark agree on whether a mirrored frame is inside, on where it starts, on its bytes (from there
 * to the end of the outer IP packet), and on every tunnel header field tshark shows.
 *
 * <p>tshark runs with {@code ip.defragment:FALSE} so that outer fragments stay fragments.
 * GRE-in-UDP on 4754 is decoded by tshark's GRE dissector by default ({@code GRE_IN_UDP_PORT} in
 * {@code packet-gre.c}), so no decode-as is needed.
 */
class TsharkOracleTest {
  /** Inner source MACs seen in erspan-type-ii-3.pcap, the same mirror source as the FT=7 file. */
  private static final Set<String> II_3_SOURCE_MACS = Set.of("001969dfdc01", "14187760aa75");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tcpdump/erspan-type-i-3.pcap",
        "tcpdump/erspan-type-i-4.pcap",
        "tcpdump/erspan-type-ii-1.pcap",
        "tcpdump/erspan-type-ii-2.pcap",
        "tcpdump/erspan-type-ii-3.pcap",
        "tcpdump/erspan-type-iii-ft-0.pcap",
        "tcpdump/erspan-type-iii-ft-7.pcap",
        "tcpdump/vxlan.pcap",
        "tcpdump/pptp.pcap",
        "tcpdump/tcp-handshake-nano.pcap",
        "zeek/erspan.pcap",
        "zeek/erspanI.pcap",
        "zeek/erspanIII.pcap",
        "zeek/gre-erspan3-dot1q.pcap",
        "zeek/gre-over-udp-4754.pcap"
      })
  void classifierAgreesWithTshark(String capture) throws IOException {
    List<TsharkOracle.Packet> dissected =
        TsharkOracle.pdml(RealCaptures.path(capture), "-o", "ip.defragment:FALSE");
    ClassifiedCapture classified = ClassifiedCapture.of(capture);
    assertThat(dissected).hasSameSizeAs(classified.packets());

    SoftAssertions softly = new SoftAssertions();
    int framesChecked = 0;
    for (int i = 0; i < dissected.size(); i++) {
      TsharkOracle.Packet t = dissected.get(i);
      ClassifiedCapture.Packet p = classified.packets().get(i);
      DecodedFrame f = p.frame();
      String where = capture + " #" + p.number() + " " + f;
      switch (f.verdict()) {
        case FRAME -> {
          checkFrame(softly, where, t, p);
          checkFields(softly, where, t, p);
          framesChecked++;
        }
        case NOT_TUNNEL -> {
          softly.assertThat(tunnelPayloadIndex(t)).as(where).isEqualTo(-1);
          if (f.greProtocolType() >= 0) {
            softly.assertThat(hex(t.field("gre.proto"))).as(where).isEqualTo(f.greProtocolType());
            softly
                .assertThat(Long.decode(t.field("gre.flags_and_version").show()))
                .as(where)
                .isEqualTo((long) f.greFlags());
          }
        }
        case FRAGMENT -> {
          Proto ip = t.proto("ip", 0);
          softly
              .assertThat(
                  ip.field("ip.flags.mf").show().equals("1")
                      || Integer.parseInt(ip.field("ip.frag_offset").show()) > 0)
              .as(where)
              .isTrue();
        }
        case INVALID -> softly.fail("no real capture holds invalid packets: " + where);
      }
    }
    softly.assertAll();
    assertThat(framesChecked).isEqualTo(classified.frames().size());
  }

  /** Where the frame starts according to tshark, and its bytes. */
  private static void checkFrame(
      SoftAssertions softly, String where, TsharkOracle.Packet t, ClassifiedCapture.Packet p) {
    DecodedFrame f = p.frame();
    Proto outerIp = t.proto("ip", 0);
    int outerEnd = outerIp.pos() + Integer.parseInt(outerIp.field("ip.len").show());
    softly.assertThat(f.innerOffset() + f.innerLength()).as(where).isEqualTo(outerEnd);
    softly.assertThat(p.outerSource()).as(where).isEqualTo(outerIp.field("ip.src").show());
    softly.assertThat(p.outerDestination()).as(where).isEqualTo(outerIp.field("ip.dst").show());

    int payload = tunnelPayloadIndex(t);
    if (f.frameType() == 7) {
      // tshark hands FT != 0 payloads to the data dissector, so there is no inner eth layer to
      // compare with. Check instead that the frame starts 8 undeclared bytes after the 12-byte
      // header and parses as Ethernet from the same switch as erspan-type-ii-3.pcap.
      Proto erspan = t.proto("erspan", 0);
      softly.assertThat(payload).as(where).isEqualTo(-1);
      softly.assertThat(erspan.field("erspan.ft").show()).as(where).isEqualTo("7");
      softly.assertThat(erspan.field("erspan.o").show()).as(where).isEqualTo("0");
      softly.assertThat(f.innerOffset()).as(where).isEqualTo(erspan.pos() + 12 + 8);
      String inner = p.innerHex();
      softly.assertThat(II_3_SOURCE_MACS).as(where).contains(inner.substring(12, 24));
      int type = Integer.parseInt(inner.substring(24, 28), 16);
      if (type == 0x8100) {
        // the tag's VLAN is the header's VLAN (1 or 865), then ARP, IPv4 or an 802.3 length (NDP)
        softly
            .assertThat(Integer.parseInt(inner.substring(28, 32), 16) & 0xFFF)
            .as(where)
            .isEqualTo(f.vlan());
        int innerType = Integer.parseInt(inner.substring(32, 36), 16);
        softly
            .assertThat(
                innerType <= f.innerLength() - 18
                    || Set.of(0x0800, 0x0806, 0x86DD).contains(innerType))
            .as(where)
            .isTrue();
      } else {
        // 802.3 length field (STP): the LLC payload fits in the frame
        softly.assertThat(type).as(where).isBetween(3, f.innerLength() - 14);
      }
      return;
    }
    softly.assertThat(payload).as(where + " tshark finds a tunnel payload").isNotNegative();
    if (payload < 0) {
      return;
    }
    Proto inner = t.protos().get(payload);
    String expectedLayer = f.innerProtocol() == InnerProtocol.ETHERNET ? "eth" : "ip";
    softly.assertThat(inner.name()).as(where).isEqualTo(expectedLayer);
    softly.assertThat(f.innerOffset()).as(where).isEqualTo(inner.pos());
    byte[] data = p.record().data();
    softly
        .assertThat(p.inner())
        .as(where)
        .isEqualTo(Arrays.copyOfRange(data, inner.pos(), outerEnd));
  }

  /**
   * Index of the layer tshark dissects as the tunnel payload: the layer right after {@code erspan},
   * {@code vxlan}, or {@code gre} when that layer is {@code eth} (TEB) or comes after {@code
   * udp:gre} (GRE-in-UDP); -1 when tshark sees no decapsulated frame.
   */
  private static int tunnelPayloadIndex(TsharkOracle.Packet t) {
    List<Proto> protos = t.protos();
    for (int i = 0; i + 1 < protos.size(); i++) {
      String name = protos.get(i).name();
      String next = protos.get(i + 1).name();
      boolean frame = next.equals("eth") || next.equals("ip") || next.equals("ipv6");
      if ((name.equals("erspan") || name.equals("vxlan")) && next.equals("eth")) {
        return i + 1;
      }
      if (name.equals("gre") && next.equals("eth")) {
        return i + 1;
      }
      if (name.equals("gre") && frame && i > 0 && protos.get(i - 1).name().equals("udp")) {
        return i + 1;
      }
    }
    return -1;
  }

  private static void checkFields(
      SoftAssertions softly, String where, TsharkOracle.Packet t, ClassifiedCapture.Packet p) {
    DecodedFrame f = p.frame();
    switch (f.encapsulation()) {
      case VXLAN -> {
        softly.assertThat(intField(t, "vxlan.vni")).as(where).isEqualTo(f.vni());
        softly.assertThat(intField(t, "udp.dstport")).as(where).isEqualTo(f.outerDestinationPort());
        softly.assertThat(intField(t, "udp.srcport")).as(where).isEqualTo(f.outerSourcePort());
        return;
      }
      case GRE_IP ->
          softly
              .assertThat(intField(t, "udp.dstport"))
              .as(where)
              .isEqualTo(f.outerDestinationPort());
      default -> {}
    }
    softly
        .assertThat(Long.decode(t.field("gre.flags_and_version").show()))
        .as(where)
        .isEqualTo((long) f.greFlags());
    softly.assertThat(hex(t.field("gre.proto"))).as(where).isEqualTo(f.greProtocolType());
    compare(softly, where, t, "gre.sequence_number", f.hasSequence() ? f.sequence() : null);
    compare(softly, where, t, "gre.key", f.hasKey() ? f.key() : null);
    if (f.erspanVersion() < 0) {
      softly.assertThat(t.field("erspan.version")).as(where).isNull();
      return;
    }
    compare(softly, where, t, "erspan.version", (long) f.erspanVersion());
    compare(softly, where, t, "erspan.vlan", (long) f.vlan());
    compare(softly, where, t, "erspan.cos", (long) f.cos());
    compare(softly, where, t, "erspan.truncated", f.truncated() ? 1L : 0L);
    compare(softly, where, t, "erspan.spanid", (long) f.sessionId());
    if (f.erspanVersion() == 1) {
      compare(softly, where, t, "erspan.encap", (long) f.encapsulationType());
      compare(softly, where, t, "erspan.index", (long) f.index());
      return;
    }
    compare(softly, where, t, "erspan.bso", (long) f.bso());
    compare(softly, where, t, "erspan.timestamp", f.timestamp());
    compare(softly, where, t, "erspan.sgt", (long) f.sgt());
    compare(softly, where, t, "erspan.p", f.pBit() ? 1L : 0L);
    compare(softly, where, t, "erspan.ft", (long) f.frameType());
    compare(softly, where, t, "erspan.hw", (long) f.hardwareId());
    compare(softly, where, t, "erspan.direction", (long) f.direction());
    compare(softly, where, t, "erspan.gra", (long) f.granularity());
    compare(
        softly,
        where,
        t,
        "erspan.o",
        f.subHeaderPresent() && f.undeclaredBytesSkipped() == 0 ? 1L : 0L);
    if (f.subHeaderPresent() && f.undeclaredBytesSkipped() == 0) {
      compare(softly, where, t, "erspan.platid", (long) f.platformId());
      if (f.platformId() == 3) {
        compare(softly, where, t, "erspan.pid3.port_index", f.platformSubHeader() >>> 32 & 0x3FFF);
        compare(softly, where, t, "erspan.pid3.timestamp", f.platformSubHeader() & 0xFFFF_FFFFL);
      }
    }
  }

  /** tshark's field equals {@code expected}; {@code null} means the field must be absent. */
  private static void compare(
      SoftAssertions softly, String where, TsharkOracle.Packet t, String name, Long expected) {
    Field field = t.field(name);
    if (expected == null) {
      softly.assertThat(field).as(where + " " + name).isNull();
      return;
    }
    softly.assertThat(field).as(where + " " + name + " shown by tshark").isNotNull();
    if (field != null) {
      softly.assertThat(Long.decode(field.show())).as(where + " " + name).isEqualTo(expected);
    }
  }

  private static int intField(TsharkOracle.Packet t, String name) {
    return Integer.parseInt(t.field(name).show());
  }

  private static int hex(Field field) {
    return Integer.decode(field.show());
  }
}
