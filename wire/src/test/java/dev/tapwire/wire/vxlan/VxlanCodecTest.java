package dev.tapwire.wire.vxlan;

import static dev.tapwire.wire.tunnel.testing.TestPackets.encode;
import static dev.tapwire.wire.tunnel.testing.TestPackets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** VXLAN header: golden bytes from RFC 7348 §5. */
class VxlanCodecTest {

  @Test
  void goldenBytes() {
    // flags I=0x08, 24 reserved bits, VNI 100 = 0x000064, reserved byte (as tcpdump/vxlan.pcap)
    assertThat(hex(encode(b -> VxlanEncoder.write(b, 100)))).isEqualTo("08000000" + "00006400");
    assertThat(hex(encode(b -> VxlanEncoder.write(b, 0)))).isEqualTo("08000000" + "00000000");
    assertThat(hex(encode(b -> VxlanEncoder.write(b, 0xFFFFFF))))
        .isEqualTo("08000000" + "ffffff00");
  }

  @Test
  void accessorsIgnoreReservedBits() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("ff ffffff 123456 ff"));
    assertThat(VxlanHeader.hasIFlag(buf, 0)).isTrue();
    assertThat(VxlanHeader.vni(buf, 0)).isEqualTo(0x123456);
    assertThat(VxlanHeader.hasIFlag(Unpooled.wrappedBuffer(hex("f7000000 00000000")), 0)).isFalse();
  }

  @Test
  void rejectsVniOver24Bits() {
    assertThatThrownBy(() -> VxlanEncoder.write(Unpooled.buffer(), 0x1000000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VxlanEncoder.write(Unpooled.buffer(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
