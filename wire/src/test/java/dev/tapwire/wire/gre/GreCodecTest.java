package dev.tapwire.wire.gre;

import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** GRE header flyweight and encoder: golden bytes written out from RFC 2784/2890 §2. */
class GreCodecTest {

  @Test
  void baseHeaderGoldenBytes() {
    // |C|R|K|S|s|Recur|Flags|Ver| = 0, protocol type 0x6558
    assertThat(hex(encode(b -> GreEncoder.write(b, GreProtocolType.TRANSPARENT_ETHERNET_BRIDGING))))
        .isEqualTo("00006558");
  }

  @Test
  void sequenceGoldenBytes() {
    // S = bit 3 -> 0x1000; sequence follows the 4-byte base header
    assertThat(hex(encode(b -> GreEncoder.writeWithSequence(b, 0x88BE, 0x12345678L))))
        .isEqualTo("100088be" + "12345678");
  }

  @Test
  void keyGoldenBytes() {
    // K = bit 2 -> 0x2000; as zeek/erspan.pcap's TEB with key 0x02000000
    assertThat(hex(encode(b -> GreEncoder.writeWithKey(b, 0x6558, 0x02000000L))))
        .isEqualTo("20006558" + "02000000");
  }

  @Test
  void allOptionalFieldsInRfcOrderWithChecksum() {
    ByteBuf buf = Unpooled.buffer();
    int length =
        GreEncoder.write(
            buf,
            GreHeader.FLAG_CHECKSUM | GreHeader.FLAG_KEY | GreHeader.FLAG_SEQUENCE,
            0x0800,
            0xAABBCCDDL,
            1);
    assertThat(length).isEqualTo(16);
    // checksum+reserved1, key, sequence
    assertThat(hex(io.netty.buffer.ByteBufUtil.getBytes(buf)))
        .isEqualTo("b0000800" + "00000000" + "aabbccdd" + "00000001");
    GreEncoder.fillChecksum(buf, 0, 16);
    // one's complement sum: b000+0800+aabb+ccdd+0001 = 0x22f99 -> 0x2f9b; complement 0xd064
    assertThat(hex(io.netty.buffer.ByteBufUtil.getBytes(buf)))
        .isEqualTo("b0000800" + "d0640000" + "aabbccdd" + "00000001");
    assertThat(GreHeader.isChecksumValid(buf, 0, 16)).isTrue();
    assertThat(GreHeader.checksum(buf, 0)).isEqualTo(0xd064);
    buf.setByte(15, 2);
    assertThat(GreHeader.isChecksumValid(buf, 0, 16)).isFalse();
  }

  @Test
  void checksumOverOddLengthPayload() {
    ByteBuf buf = Unpooled.buffer();
    GreEncoder.write(buf, GreHeader.FLAG_CHECKSUM, 0x6558, 0, 0);
    buf.writeBytes(hex("0102030405"));
    GreEncoder.fillChecksum(buf, 0, buf.readableBytes());
    // 8000+6558+0000+0000+0102+0304+0500 = 0xee5e -> complement 0x11a1
    assertThat(GreHeader.checksum(buf, 0)).isEqualTo(0x11a1);
    assertThat(GreHeader.isChecksumValid(buf, 0, buf.readableBytes())).isTrue();
  }

  @Test
  void sequenceIsWrittenModulo2To32() {
    assertThat(hex(encode(b -> GreEncoder.writeWithSequence(b, 0x88BE, 0xFFFF_FFFFL))))
        .endsWith("ffffffff");
    assertThat(hex(encode(b -> GreEncoder.writeWithSequence(b, 0x88BE, 0x1_0000_0000L))))
        .endsWith("00000000");
  }

  @Test
  void accessorsAndOffsets() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("b0000800 d0640000 aabbccdd 00000001"));
    int flags = GreHeader.flagsAndVersion(buf, 0);
    assertThat(GreHeader.headerLength(flags)).isEqualTo(16);
    assertThat(GreHeader.hasChecksum(flags)).isTrue();
    assertThat(GreHeader.hasKey(flags)).isTrue();
    assertThat(GreHeader.hasSequence(flags)).isTrue();
    assertThat(GreHeader.hasRouting(flags)).isFalse();
    assertThat(GreHeader.version(flags)).isZero();
    assertThat(GreHeader.protocolType(buf, 0)).isEqualTo(0x0800);
    assertThat(GreHeader.keyOffset(0, flags)).isEqualTo(8);
    assertThat(GreHeader.sequenceOffset(0, flags)).isEqualTo(12);
    assertThat(GreHeader.key(buf, 0)).isEqualTo(0xAABBCCDDL);
    assertThat(GreHeader.sequence(buf, 0)).isEqualTo(1);
    assertThat(GreHeader.headerLength(0x3001)).isEqualTo(12); // PPTP K+S
    assertThat(GreHeader.headerLength(0)).isEqualTo(4);
  }

  @Test
  void rejectsProgrammingErrorsWithoutWriting() {
    ByteBuf buf = Unpooled.buffer();
    assertThatThrownBy(() -> GreEncoder.write(buf, GreHeader.FLAG_ROUTING, 0x6558, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GreEncoder.write(buf, 0x10000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(buf.writerIndex()).isZero();
  }
}
