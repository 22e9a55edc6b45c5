package dev.tapwire.agent.encap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.TestFrames;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.handoff.FrameSlot;
import dev.tapwire.agent.transport.PacketSlot;
import dev.tapwire.wire.ip.InternetChecksum;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Golden bytes of every tunnel header, written by hand from the specifications. */
class EncapsulatorTest {
  private static final long TIME_NS = 0x1122_3344_5566_7788L;
  private static final int SESSION = 5;
  private static final int IFINDEX = 7;

  private final Arena arena = Arena.ofConfined();
  private final FrameHandoff handoff = new FrameHandoff(4, 9_000);
  private final PacketSlot out = new PacketSlot(arena.allocate(10_000));

  @AfterEach
  void free() {
    handoff.close();
    arena.close();
  }

  @Test
  void erspan3CarriesSequenceVlanCosTruncationAndTheFullTime() {
    byte[] frame = tagged(600);
    Encapsulator encapsulator = new Encapsulator(new Erspan3Format(), 20, 576, true, 65_535, 556);
    Session session = new Session(SESSION, IFINDEX, 0, 0xFFFF_FFFFL);

    byte[] first = encode(encapsulator, session, frame);
    assertThat(hex(first, 0, 28))
        .isEqualTo(
            "100022eb"
                + "ffffffff"
                + "2064a405"
                + "55667788"
                + "00008007"
                + "0c000007"
                + "11223344");
    assertThat(first.length).isEqualTo(576 - 20);
    assertThat(Arrays.copyOfRange(first, 28, first.length)).isEqualTo(Arrays.copyOf(frame, 528));
    assertThat(encapsulator.truncated()).isTrue();
    assertThat(encapsulator.oversize()).isTrue();

    byte[] second = encode(encapsulator, session, TestFrames.udpFrame(100, 1));
    assertThat(hex(second, 4, 4)).as("the sequence number wraps to 0").isEqualTo("00000000");
    assertThat(hex(second, 8, 4)).as("untagged, not truncated").isEqualTo("20000005");
    assertThat(encapsulator.truncated()).isFalse();
  }

  @Test
  void erspan3ReportsEgressWhenCapturingSentFramesOnly() {
    Encapsulator encapsulator = new Encapsulator(new Erspan3Format(), 20, 1500, true, 65_535, 1480);
    byte[] packet = encode(encapsulator, new Session(1, 3, 1, 0), TestFrames.udpFrame(64, 1));
    assertThat(hex(packet, 16, 4)).isEqualTo("0000800f");
  }

  @Test
  void erspan2UsesEnThreeForATagInTheFrame() {
    byte[] frame = tagged(200);
    Encapsulator encapsulator = new Encapsulator(new Erspan2Format(), 20, 1500, true, 65_535, 1480);
    byte[] packet = encode(encapsulator, new Session(SESSION, IFINDEX, 0, 41), frame);
    assertThat(hex(packet, 0, 16)).isEqualTo("100088be" + "00000029" + "1064b805" + "00000007");
    assertThat(Arrays.copyOfRange(packet, 16, packet.length)).isEqualTo(frame);
  }

  @Test
  void erspan2SetsTheTruncationBitForASnapLength() {
    byte[] frame = TestFrames.udpFrame(300, 2);
    Encapsulator encapsulator = new Encapsulator(new Erspan2Format(), 20, 1500, true, 128, 1480);
    byte[] packet = encode(encapsulator, new Session(SESSION, IFINDEX, 0, 0), frame);
    assertThat(hex(packet, 8, 4)).isEqualTo("10000405");
    assertThat(packet.length).isEqualTo(16 + 128);
    assertThat(encapsulator.oversize()).as("the snap length cut it, not the MTU").isFalse();
  }

  @Test
  void tebCarriesTheSessionAsKeyAndASequence() {
    byte[] frame = TestFrames.udpFrame(80, 3);
    Encapsulator encapsulator = new Encapsulator(new TebFormat(), 40, 1500, true, 65_535, 1460);
    Session session = new Session(SESSION, IFINDEX, 0, 0xFFFF_FFFFL);
    byte[] packet = encode(encapsulator, session, frame);
    assertThat(hex(packet, 0, 12)).isEqualTo("30006558" + "00000005" + "ffffffff");
    assertThat(Arrays.copyOfRange(packet, 12, packet.length)).isEqualTo(frame);
    assertThat(hex(encode(encapsulator, session, frame), 8, 4)).isEqualTo("00000000");
  }

  @Test
  void vxlanOverIpv4HasTheVniAFlowPortAndNoChecksum() throws Exception {
    byte[] frame = TestFrames.udpFrame(100, 4);
    VxlanFormat format = new VxlanFormat(4789, null, InetAddress.getByName("198.18.0.2"));
    Encapsulator encapsulator = new Encapsulator(format, 20, 1500, true, 65_535, 1480);
    byte[] packet = encode(encapsulator, new Session(SESSION, IFINDEX, 0, 0), frame);
    int sourcePort = ((packet[0] & 0xff) << 8) | (packet[1] & 0xff);
    assertThat(sourcePort)
        .isEqualTo(FlowHash.sourcePort(MemorySegment.ofArray(frame), frame.length))
        .isBetween(49_152, 65_535);
    assertThat(hex(packet, 2, 14)).isEqualTo("12b5" + "0074" + "0000" + "08000000" + "00000500");
    assertThat(Arrays.copyOfRange(packet, 16, packet.length)).isEqualTo(frame);
  }

  @Test
  void vxlanOverIpv6HasAValidUdpChecksum() throws Exception {
    InetAddress source = InetAddress.getByName("2001:db8::1");
    InetAddress destination = InetAddress.getByName("2001:db8::2");
    byte[] frame = TestFrames.udpFrame(101, 5);
    Encapsulator encapsulator =
        new Encapsulator(new VxlanFormat(4789, source, destination), 40, 1500, true, 65_535, 1460);
    byte[] packet = encode(encapsulator, new Session(SESSION, IFINDEX, 0, 0), frame);
    long sum = packet.length + 17L;
    for (byte[] address : new byte[][] {source.getAddress(), destination.getAddress()}) {
      sum = InternetChecksum.sum(io.netty.buffer.Unpooled.wrappedBuffer(address), 0, 16, sum);
    }
    sum =
        InternetChecksum.sum(io.netty.buffer.Unpooled.wrappedBuffer(packet), 0, packet.length, sum);
    assertThat(InternetChecksum.fold(sum)).isEqualTo(0xffff);
    assertThat(hex(packet, 6, 2)).isNotEqualTo("0000");
  }

  @Test
  void fragmentModeSendsOversizeFramesWholeButCountsThem() {
    byte[] frame = TestFrames.udpFrame(3000, 6);
    Encapsulator encapsulator =
        new Encapsulator(new Erspan3Format(), 20, 1500, false, 65_535, 9_000);
    byte[] packet = encode(encapsulator, new Session(SESSION, IFINDEX, 0, 0), frame);
    assertThat(packet.length).isEqualTo(28 + 3000);
    assertThat(encapsulator.oversize()).isTrue();
    assertThat(encapsulator.truncated()).isFalse();
    assertThat(hex(packet, 8, 4)).as("T clear").isEqualTo("20000005");
  }

  private byte[] encode(Encapsulator encapsulator, Session session, byte[] frame) {
    FrameSlot slot = handoff.claim();
    slot.fill(MemorySegment.ofArray(frame), 0, frame.length, frame.length, TIME_NS);
    int length = encapsulator.encode(slot, session, out.buffer(), out.memory());
    handoff.publish(slot);
    handoff.release(handoff.next());
    assertThat(length).isEqualTo(encapsulator.packetBytes(slot));
    return out.memory().asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
  }

  private static byte[] tagged(int length) {
    return TestFrames.vlanTagged(100, 5, TestFrames.udpFrame(length - 4, 9));
  }

  private static String hex(byte[] bytes, int offset, int length) {
    return HexFormat.of().formatHex(bytes, offset, offset + length);
  }
}
