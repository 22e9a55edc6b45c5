package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Runs the hand-assembled programs in a small interpreter of the classic BPF subset they use (the
 * kernel's semantics from Documentation/networking/filter.rst), over IPv4 headers as a {@code
 * SOCK_DGRAM} packet socket presents them. {@code PacketRxRingIT} checks the same in the kernel.
 */
class ClassicBpfTest {
  private static final byte[] COLLECTOR = {(byte) 198, 18, 100, 2};
  private static final byte[] OTHER = {(byte) 198, 18, 100, 3};
  private static final int HOST = 0;
  private static final int BROADCAST = 1;
  private static final int OTHERHOST = 3;
  private static final int OUTGOING = 4;

  @Test
  void dropAllDropsEverything() {
    ClassicBpf drop = ClassicBpf.dropAll();
    assertThat(drop.length()).isEqualTo(1);
    assertThat(run(drop, ipv4(47, COLLECTOR, 0), HOST)).isZero();
  }

  @Test
  void greToTheListenAddressOnly() {
    ClassicBpf filter = ClassicBpf.ipv4Protocol(47, COLLECTOR);
    assertThat(run(filter, ipv4(47, COLLECTOR, 0), HOST)).isEqualTo(ClassicBpf.ACCEPT_BYTES);
    assertThat(run(filter, ipv4(47, COLLECTOR, 0), BROADCAST)).isEqualTo(ClassicBpf.ACCEPT_BYTES);
    assertThat(run(filter, ipv4(47, COLLECTOR, 185), HOST))
        .as("a later fragment carries the protocol too")
        .isEqualTo(ClassicBpf.ACCEPT_BYTES);
    assertThat(run(filter, ipv4(47, OTHER, 0), HOST)).as("another address").isZero();
    assertThat(run(filter, ipv4(17, COLLECTOR, 0), HOST)).as("UDP").isZero();
    assertThat(run(filter, ipv4(1, COLLECTOR, 0), HOST)).as("ICMP").isZero();
    assertThat(run(filter, ipv4(47, COLLECTOR, 0), OUTGOING)).as("sent by this host").isZero();
    assertThat(run(filter, ipv4(47, COLLECTOR, 0), OTHERHOST)).as("another MAC").isZero();
  }

  @Test
  void greToAnyAddress() {
    ClassicBpf filter = ClassicBpf.ipv4Protocol(47, null);
    assertThat(run(filter, ipv4(47, COLLECTOR, 0), HOST)).isEqualTo(ClassicBpf.ACCEPT_BYTES);
    assertThat(run(filter, ipv4(47, OTHER, 0), HOST)).isEqualTo(ClassicBpf.ACCEPT_BYTES);
    assertThat(run(filter, ipv4(6, OTHER, 0), HOST)).isZero();
    assertThat(run(filter, ipv4(47, OTHER, 0), OUTGOING)).isZero();
    assertThat(run(filter, ipv4(47, OTHER, 0), OTHERHOST)).isZero();
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> ClassicBpf.ipv4Protocol(256, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClassicBpf.ipv4Protocol(47, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] ipv4(int protocol, byte[] destination, int fragmentOffsetUnits) {
    ByteBuffer b = ByteBuffer.allocate(40);
    b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1);
    b.putShort((short) fragmentOffsetUnits).put((byte) 64).put((byte) protocol).putShort((short) 0);
    b.put(new byte[] {(byte) 198, 18, 100, 1}).put(destination);
    return b.array();
  }

  /** Classic BPF: accumulator A, loads absolute (word big-endian, byte), JEQ #k, RET #k. */
  private static int run(ClassicBpf program, byte[] packet, int packetType) {
    int a = 0;
    int pc = 0;
    for (int steps = 0; steps < 64; steps++) {
      int code = program.code(pc);
      int k = program.k(pc);
      switch (code) {
        case ClassicBpf.BPF_LD | ClassicBpf.BPF_W | ClassicBpf.BPF_ABS -> {
          if (k == ClassicBpf.SKF_AD_OFF + ClassicBpf.SKF_AD_PKTTYPE) {
            a = packetType;
          } else {
            a = ByteBuffer.wrap(packet).getInt(k);
          }
          pc++;
        }
        case ClassicBpf.BPF_LD | ClassicBpf.BPF_B | ClassicBpf.BPF_ABS -> {
          a = packet[k] & 0xff;
          pc++;
        }
        case ClassicBpf.BPF_JMP | ClassicBpf.BPF_JEQ | ClassicBpf.BPF_K ->
            pc += 1 + (a == k ? program.jumpTrue(pc) : program.jumpFalse(pc));
        case ClassicBpf.BPF_RET | ClassicBpf.BPF_K -> {
          return k;
        }
        default -> throw new AssertionError("opcode 0x" + Integer.toHexString(code));
      }
      assertThat(pc).as("jump past the end").isLessThan(program.length());
    }
    throw new AssertionError("no return");
  }
}
