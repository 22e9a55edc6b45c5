package dev.tapwire.wire.tunnel;

import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Complete tunnel headers: golden bytes composed by hand from the layouts. */
class TunnelEncoderTest {

  @Test
  void erspanI() {
    assertThat(hex(encode(TunnelEncoder::writeErspanI))).isEqualTo("000088be");
  }

  @Test
  void erspanII() {
    // GRE S + 0x88BE + seq 171 | ERSPAN II as tcpdump/erspan-type-ii-1.pcap, bytes 34..49
    assertThat(hex(encode(b -> TunnelEncoder.writeErspanII(b, 171, 666, 342, 6, 0, false, 32760))))
        .isEqualTo("100088be" + "000000ab" + "1156c29a" + "00007ff8");
    assertThat(TunnelEncoder.ERSPAN_II_HEADER_LENGTH).isEqualTo(16);
  }

  @Test
  void erspanIII() {
    // GRE S + 0x22EB + seq | Ver 2 VLAN 865 (0x361) | COS 5 (0xa000) BSO 1 (0x0800) T (0x0400)
    // session 1023 (0x3ff) = 0xafff | ts low 32 | P + HwID 63 (0x3f0) + D (0x8) + Gra 3 + O =
    // 0x83ff | id 3 port 0x3fff | ts high 32
    long t = 0x1234_5678_9abc_def0L;
    assertThat(
            hex(
                encode(
                    b ->
                        TunnelEncoder.writeErspanIII(
                            b, 0xFFFF_FFFFL, 1023, 865, 5, 1, true, t, 63, 1, 0x3fff))))
        .isEqualTo(
            "100022eb"
                + "ffffffff"
                + "2361afff"
                + "9abcdef0"
                + "000083ff"
                + "0c003fff"
                + "12345678");
    assertThat(TunnelEncoder.ERSPAN_III_HEADER_LENGTH).isEqualTo(28);
  }

  @Test
  void greTeb() {
    assertThat(hex(encode(b -> TunnelEncoder.writeGreTeb(b, false, 0, false, 0))))
        .isEqualTo("00006558");
    assertThat(hex(encode(b -> TunnelEncoder.writeGreTeb(b, true, 0x02000000L, false, 0))))
        .isEqualTo("20006558" + "02000000");
    assertThat(hex(encode(b -> TunnelEncoder.writeGreTeb(b, true, 7, true, 8))))
        .isEqualTo("30006558" + "00000007" + "00000008");
    assertThat(hex(encode(b -> TunnelEncoder.writeGreTeb(b, false, 0, true, 9))))
        .isEqualTo("10006558" + "00000009");
    assertThat(TunnelEncoder.greTebHeaderLength(true, true)).isEqualTo(12);
    assertThat(TunnelEncoder.greTebHeaderLength(false, false)).isEqualTo(4);
  }

  @Test
  void vxlan() {
    // AWS VNI 5569041 = 0x54fa11
    assertThat(hex(encode(b -> TunnelEncoder.writeVxlan(b, 5569041))))
        .isEqualTo("08000000" + "54fa1100");
  }

  @Test
  void writesAtTheWriterIndexAndAppendsNothingElse() {
    ByteBuf buf = Unpooled.buffer(4, 64);
    buf.writeByte(0xAA);
    assertThat(TunnelEncoder.writeErspanII(buf, 1, 2, 3, 4, 1, false, 5)).isEqualTo(16);
    assertThat(buf.writerIndex()).isEqualTo(17);
    assertThat(buf.getUnsignedByte(0)).isEqualTo((short) 0xAA);
    assertThat(buf.getInt(1)).isEqualTo(0x100088be);
  }

  @Test
  void badArgumentsLeaveTheBufferUnchanged() {
    ByteBuf buf = Unpooled.buffer();
    assertThatThrownBy(() -> TunnelEncoder.writeErspanII(buf, 1, 1024, 0, 0, 0, false, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TunnelEncoder.writeErspanIII(buf, 1, 0, 0, 0, 0, false, -5, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> TunnelEncoder.writeErspanIII(buf, 1, 0, 0, 0, 0, false, 5, 0, 0, 0x4000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(buf.writerIndex()).isZero();
    ByteBuf full = Unpooled.buffer(8, 8);
    assertThatThrownBy(() -> TunnelEncoder.writeErspanII(full, 1, 1, 0, 0, 0, false, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(full.writerIndex()).isZero();
  }
}
