package dev.tapwire.wire.erspan;

import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * ERSPAN headers: golden bytes composed by hand from the layouts in wire-formats.md §1.3/§1.4 (and
 * equal to the header bytes of the real captures named), accessors, and every platform id of the
 * sub-header.
 */
class ErspanCodecTest {

  @Test
  void type2GoldenBytes() {
    // Ver 1 | VLAN 342 = 0x156 | COS 6 = 110 | En 00 | T 0 | session 666 = 0x29a
    //   0001 0001 0101 0110 | 110 00 0 1010011010 = 0x1156 0xc29a
    // reserved 0 | index 32760 = 0x07ff8          (tcpdump/erspan-type-ii-1.pcap)
    assertThat(hex(encode(b -> ErspanEncoder.writeType2(b, 666, 342, 6, 0, false, 32760))))
        .isEqualTo("1156c29a" + "00007ff8");
    // session 1023, VLAN 4095, COS 7, En 3, T 1, index 0xFFFFF: every bit set but Ver/reserved
    assertThat(hex(encode(b -> ErspanEncoder.writeType2(b, 1023, 4095, 7, 3, true, 0xFFFFF))))
        .isEqualTo("1fffffff" + "000fffff");
    assertThat(hex(encode(b -> ErspanEncoder.writeType2(b, 0, 0, 0, 0, false, 0))))
        .isEqualTo("10000000" + "00000000");
  }

  @Test
  void type3GoldenBytes() {
    // Ver 2 | VLAN 20 | COS 0 BSO 0 T 0 session 0 | ts 0x1458 | SGT 0 | P 1 FT 0 HwID 3 D 0 Gra 0 O
    // 0
    //   P = 0x8000, HwID 3 << 4 = 0x0030                        (zeek/erspanIII.pcap)
    assertThat(
            hex(
                encode(
                    b ->
                        ErspanEncoder.writeType3(
                            b, 0, 20, 0, 0, false, 0x1458, 0, true, 0, 3, 0, 0, false))))
        .isEqualTo("20140000" + "00001458" + "00008030");
    // D=1 -> 0x0008 (the reply in the same capture)
    assertThat(
            hex(
                encode(
                    b ->
                        ErspanEncoder.writeType3(
                            b, 0, 20, 0, 0, false, 0x1483, 0, true, 0, 3, 1, 0, false))))
        .isEqualTo("20140000" + "00001483" + "00008038");
    // session 101 BSO 3 (0x1800) -> 0x1865; FT 7 (0x1c00) HwID 32 (0x0200) -> 0x1e00
    //   (tcpdump/erspan-type-iii-ft-7.pcap)
    assertThat(
            hex(
                encode(
                    b ->
                        ErspanEncoder.writeType3(
                            b, 101, 1, 0, 3, false, 0x34760b01L, 0, false, 7, 32, 0, 0, false))))
        .isEqualTo("20011865" + "34760b01" + "00001e00");
    // SGT 0xABCD, Gra 3 (0x6), O (0x1)
    assertThat(
            hex(
                encode(
                    b ->
                        ErspanEncoder.writeType3(
                            b, 0, 0, 0, 0, false, 0, 0xABCD, false, 0, 0, 0, 3, true))))
        .isEqualTo("20000000" + "00000000" + "abcd0007");
  }

  @Test
  void type3EpochNsGoldenBytes() {
    // as zeek/gre-erspan3-dot1q.pcap, but P=1: VLAN 10 | ts = low 32 bits 0x70507e55 |
    // P 0x8000 + Gra 3 (0x6) + O (0x1) = 0x8007 | sub-header id 3 (0x0c000000) port 3 |
    // upper 32 bits 0x15f742e8
    assertThat(
            hex(
                encode(
                    b ->
                        ErspanEncoder.writeType3EpochNs(
                            b, 0, 10, 0, 0, false, 0x15f742e8_70507e55L, 0, 0, 3))))
        .isEqualTo("200a0000" + "70507e55" + "00008007" + "0c000003" + "15f742e8");
  }

  @Test
  void type2Accessors() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("1156c29a 00007ff8"));
    assertThat(ErspanType2Header.version(buf, 0)).isEqualTo(1);
    assertThat(ErspanType2Header.vlan(buf, 0)).isEqualTo(342);
    assertThat(ErspanType2Header.cos(buf, 0)).isEqualTo(6);
    assertThat(ErspanType2Header.encapsulationType(buf, 0)).isZero();
    assertThat(ErspanType2Header.truncated(buf, 0)).isFalse();
    assertThat(ErspanType2Header.sessionId(buf, 0)).isEqualTo(666);
    assertThat(ErspanType2Header.index(buf, 0)).isEqualTo(32760);
    // the reserved bits and the Ver nibble never leak into VLAN or index (Arkime PR #3790)
    ByteBuf noisy = Unpooled.wrappedBuffer(hex("f156c69a fff07ff8"));
    assertThat(ErspanType2Header.vlan(noisy, 0)).isEqualTo(342);
    assertThat(ErspanType2Header.index(noisy, 0)).isEqualTo(32760);
    assertThat(ErspanType2Header.truncated(noisy, 0)).isTrue();
  }

  @Test
  void type3Accessors() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("20011c65 34760b01 abcdfe3f"));
    assertThat(ErspanType3Header.version(buf, 0)).isEqualTo(2);
    assertThat(ErspanType3Header.vlan(buf, 0)).isEqualTo(1);
    assertThat(ErspanType3Header.cos(buf, 0)).isZero();
    assertThat(ErspanType3Header.bso(buf, 0)).isEqualTo(3);
    assertThat(ErspanType3Header.truncated(buf, 0)).isTrue();
    assertThat(ErspanType3Header.sessionId(buf, 0)).isEqualTo(101);
    assertThat(ErspanType3Header.timestamp(buf, 0)).isEqualTo(0x34760b01L);
    assertThat(ErspanType3Header.sgt(buf, 0)).isEqualTo(0xabcd);
    // fe3f = 1 11111 100011 1 11 1
    assertThat(ErspanType3Header.pBit(buf, 0)).isTrue();
    assertThat(ErspanType3Header.frameType(buf, 0)).isEqualTo(31);
    assertThat(ErspanType3Header.hardwareId(buf, 0)).isEqualTo(0x23);
    assertThat(ErspanType3Header.direction(buf, 0)).isEqualTo(1);
    assertThat(ErspanType3Header.granularity(buf, 0)).isEqualTo(3);
    assertThat(ErspanType3Header.hasSubHeader(buf, 0)).isTrue();
  }

  @Test
  void platformId1() {
    // id 1 << 26 = 0x04000000, VSM domain 0xabc; word1 port index (32 bits)
    long raw = 0x04000abc_89abcdefL;
    assertThat(ErspanPlatformSubHeader.platformId(raw)).isEqualTo(1);
    assertThat(ErspanPlatformSubHeader.vsmDomainId(raw)).isEqualTo(0xabc);
    assertThat(ErspanPlatformSubHeader.portIndex(raw)).isEqualTo(0x89abcdefL);
    assertThat(ErspanPlatformSubHeader.upperTimestamp(raw)).isEqualTo(-1);
    assertThat(ErspanPlatformSubHeader.timestampSeconds(raw)).isEqualTo(-1);
    assertThat(ErspanPlatformSubHeader.switchId(raw)).isEqualTo(-1);
  }

  @Test
  void platformId3() {
    // zeek/gre-erspan3-dot1q.pcap: 0c000003 15f742e8; reserved bits 0x03ffc000 ignored
    long raw = 0x0fffc003_15f742e8L;
    assertThat(ErspanPlatformSubHeader.platformId(raw)).isEqualTo(3);
    assertThat(ErspanPlatformSubHeader.portIndex(raw)).isEqualTo(3);
    assertThat(ErspanPlatformSubHeader.upperTimestamp(raw)).isEqualTo(0x15f742e8L);
    assertThat(ErspanPlatformSubHeader.vsmDomainId(raw)).isEqualTo(-1);
    assertThat(ErspanPlatformSubHeader.id3(3, 0x15f742e8L)).isEqualTo(0x0c000003_15f742e8L);
    assertThat(ErspanPlatformSubHeader.id3(0x3FFF, 0xFFFF_FFFFL)).isEqualTo(0x0c003fff_ffffffffL);
    assertThatThrownBy(() -> ErspanPlatformSubHeader.id3(0x4000, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void platformId4IsReserved() {
    long raw = 0x13ffffff_ffffffffL; // id 4
    assertThat(ErspanPlatformSubHeader.platformId(raw)).isEqualTo(4);
    assertThat(ErspanPlatformSubHeader.portIndex(raw)).isEqualTo(-1);
    assertThat(ErspanPlatformSubHeader.upperTimestamp(raw)).isEqualTo(-1);
    assertThat(ErspanPlatformSubHeader.timestampSeconds(raw)).isEqualTo(-1);
  }

  @Test
  void platformIds5And6() {
    // id 5 << 26 = 0x14000000; switch id 0x3ff << 16; port index 0x1234; word1 seconds
    for (long id : new long[] {5, 6}) {
      long raw = (id << 58) | 0x03ff1234_5e57b0b0L;
      assertThat(ErspanPlatformSubHeader.platformId(raw)).isEqualTo((int) id);
      assertThat(ErspanPlatformSubHeader.switchId(raw)).isEqualTo(0x3ff);
      assertThat(ErspanPlatformSubHeader.portIndex(raw)).isEqualTo(0x1234);
      assertThat(ErspanPlatformSubHeader.timestampSeconds(raw)).isEqualTo(0x5e57b0b0L);
      assertThat(ErspanPlatformSubHeader.upperTimestamp(raw)).isEqualTo(-1);
    }
  }

  @Test
  void platformId7AndItsAlias0() {
    // tcpdump/erspan-type-iii-ft-7.pcap's undeclared block: 0000abc5 00004b87 -> index 43973
    long alias = 0x0000abc5_00004b87L;
    assertThat(ErspanPlatformSubHeader.platformId(alias)).isZero();
    assertThat(ErspanPlatformSubHeader.portIndex(alias)).isEqualTo(43973);
    assertThat(ErspanPlatformSubHeader.upperTimestamp(alias)).isEqualTo(0x4b87);
    long seven = 0x1c0abcde_00000001L; // id 7, reserved 0x00f00000 ignored, index 0xabcde
    assertThat(ErspanPlatformSubHeader.platformId(seven)).isEqualTo(7);
    assertThat(ErspanPlatformSubHeader.portIndex(seven)).isEqualTo(0xabcde);
    assertThat(ErspanPlatformSubHeader.upperTimestamp(seven)).isEqualTo(1);
  }

  @Test
  void platformIds2And8To63AreReserved() {
    for (long id : new long[] {2, 8, 9, 31, 62, 63}) {
      long raw = (id << 58) | 0x03ffffff_ffffffffL;
      assertThat(ErspanPlatformSubHeader.platformId(raw)).isEqualTo((int) id);
      assertThat(ErspanPlatformSubHeader.portIndex(raw)).isEqualTo(-1);
      assertThat(ErspanPlatformSubHeader.upperTimestamp(raw)).isEqualTo(-1);
      assertThat(ErspanPlatformSubHeader.carriesUpperTimestamp((int) id)).isFalse();
    }
  }

  @Test
  void bufferAccessors() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("0c000003 15f742e8"));
    assertThat(ErspanPlatformSubHeader.platformId(buf, 0)).isEqualTo(3);
    assertThat(ErspanPlatformSubHeader.raw(buf, 0)).isEqualTo(0x0c000003_15f742e8L);
  }

  @Test
  void rejectsOutOfRangeFieldsWithoutWriting() {
    ByteBuf buf = Unpooled.buffer();
    assertThatThrownBy(() -> ErspanEncoder.writeType2(buf, 1024, 0, 0, 0, false, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ErspanEncoder.writeType2(buf, 0, 4096, 0, 0, false, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ErspanEncoder.writeType2(buf, 0, 0, 8, 0, false, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ErspanEncoder.writeType2(buf, 0, 0, 0, 4, false, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ErspanEncoder.writeType2(buf, 0, 0, 0, 0, false, 0x100000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ErspanEncoder.writeType3(buf, 0, 0, 0, 0, false, 0, 0, true, 32, 0, 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ErspanEncoder.writeType3(buf, 0, 0, 0, 0, false, 0, 0, true, 0, 64, 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ErspanEncoder.writeType3(buf, 0, 0, 0, 0, false, 0, 0, true, 0, 0, 2, 0, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ErspanEncoder.writeType3EpochNs(buf, 0, 0, 0, 0, false, -1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(buf.writerIndex()).isZero();
  }
}
