package dev.tapwire.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.wire.ip.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The Ethernet and outer IP headers written in front of a tunnel packet, checked at offsets. */
class OuterHeadersTest {
  private static final byte[] COLLECTOR_MAC = HexFormat.of().parseHex("020000000099");
  private static final byte[] AGENT_MAC = HexFormat.of().parseHex("020000000011");

  @Test
  void ipv4HeaderHasTheKernelsFieldsAndAValidChecksumForEveryLength() throws Exception {
    try (Arena arena = Arena.ofConfined();
        OuterHeaders headers = new OuterHeaders(true, 47)) {
      headers.configure(
          COLLECTOR_MAC,
          AGENT_MAC,
          InetAddress.getByName("198.18.101.1"),
          InetAddress.getByName("198.18.101.2"),
          64);
      MemorySegment frame = arena.allocate(2048);
      int previousId = -1;
      for (int payload : new int[] {28, 92, 1000, 1480, 1500 - 20}) {
        assertThat(headers.write(frame, payload)).isEqualTo(14 + 20 + payload);
        byte[] bytes = frame.asSlice(0, 34).toArray(ValueLayout.JAVA_BYTE);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(HexFormat.of().formatHex(bytes, 0, 14))
            .isEqualTo("020000000099" + "020000000011" + "0800");
        assertThat(buf.getUnsignedByte(14)).isEqualTo((short) 0x45);
        assertThat(buf.getUnsignedShort(16)).as("total length").isEqualTo(20 + payload);
        assertThat(buf.getUnsignedShort(20)).as("DF, offset 0").isEqualTo(0x4000);
        assertThat(buf.getUnsignedByte(22)).as("TTL").isEqualTo((short) 64);
        assertThat(buf.getUnsignedByte(23)).as("protocol").isEqualTo((short) 47);
        assertThat(HexFormat.of().formatHex(bytes, 26, 34)).isEqualTo("c6126501c6126502");
        assertThat(InternetChecksum.compute(buf, 14, 20)).as("checksum verifies").isZero();
        int id = buf.getUnsignedShort(18);
        if (previousId >= 0) {
          assertThat(id).as("identification counts up").isEqualTo((previousId + 1) & 0xffff);
        }
        previousId = id;
      }
    }
  }

  @Test
  void ipv6HeaderCarriesPayloadLengthHopLimitAndOneFlowLabel() throws Exception {
    try (Arena arena = Arena.ofConfined();
        OuterHeaders headers = new OuterHeaders(false, 17)) {
      headers.configure(
          COLLECTOR_MAC,
          AGENT_MAC,
          InetAddress.getByName("2001:db8:1::1"),
          InetAddress.getByName("2001:db8:1::2"),
          63);
      MemorySegment frame = arena.allocate(2048);
      int label = -1;
      for (int payload : new int[] {50, 1440}) {
        assertThat(headers.write(frame, payload)).isEqualTo(14 + 40 + payload);
        ByteBuf buf = Unpooled.wrappedBuffer(frame.asSlice(0, 54).toArray(ValueLayout.JAVA_BYTE));
        assertThat(buf.getUnsignedShort(12)).isEqualTo(0x86dd);
        int word = buf.getInt(14);
        assertThat(word >>> 28).as("version").isEqualTo(6);
        assertThat((word >>> 20) & 0xff).as("traffic class").isZero();
        assertThat(word & 0xfffff).as("flow label").isNotZero();
        if (label >= 0) {
          assertThat(word & 0xfffff).isEqualTo(label);
        }
        label = word & 0xfffff;
        assertThat(buf.getUnsignedShort(18)).as("payload length").isEqualTo(payload);
        assertThat(buf.getUnsignedByte(20)).as("next header").isEqualTo((short) 17);
        assertThat(buf.getUnsignedByte(21)).as("hop limit").isEqualTo((short) 63);
        assertThat(HexFormat.of().formatHex(buf.array(), 22, 54))
            .isEqualTo("20010db8000100000000000000000001" + "20010db8000100000000000000000002");
      }
    }
  }

  @Test
  void addressesOfTheOtherVersionAreRefused() throws Exception {
    try (OuterHeaders headers = new OuterHeaders(true, 47)) {
      InetAddress v6 = InetAddress.getByName("2001:db8:1::1");
      assertThatThrownBy(() -> headers.configure(COLLECTOR_MAC, AGENT_MAC, v6, v6, 64))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
