package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A small classic BPF program ({@code struct sock_filter[]}, linux/filter.h) for {@code
 * SO_ATTACH_FILTER}: the two this package needs, assembled by hand rather than through libpcap so
 * that they are short, exact and independent of the link type.
 *
 * <p>An instruction is {@code code} (16 bits), {@code jt}, {@code jf} (8 bits each, relative
 * forward jumps) and {@code k} (32 bits). A program returns the number of bytes to keep: 0 drops
 * the packet.
 */
public final class ClassicBpf {
  // Instruction classes and modes (linux/bpf_common.h).
  static final int BPF_LD = 0x00;
  static final int BPF_JMP = 0x05;
  static final int BPF_RET = 0x06;
  static final int BPF_W = 0x00;
  static final int BPF_B = 0x10;
  static final int BPF_ABS = 0x20;
  static final int BPF_JEQ = 0x10;
  static final int BPF_K = 0x00;

  /** Ancillary loads: {@code SKF_AD_OFF + SKF_AD_PKTTYPE} reads {@code skb->pkt_type}. */
  static final int SKF_AD_OFF = -0x1000;

  static final int SKF_AD_PKTTYPE = 4;

  /** {@code PACKET_OTHERHOST}, {@code PACKET_OUTGOING} (linux/if_packet.h). */
  static final int PACKET_OTHERHOST = 3;

  static final int PACKET_OUTGOING = 4;

  /** {@code SO_ATTACH_FILTER} (asm-generic/socket.h). */
  static final int SO_ATTACH_FILTER = 26;

  /** Bytes kept of an accepted packet: all of it (the ring's block size is the real limit). */
  static final int ACCEPT_BYTES = 262_144;

  private static final int IPV4_PROTOCOL_OFFSET = 9;
  private static final int IPV4_DESTINATION_OFFSET = 16;
  private static final int SOCK_FPROG_BYTES = 16;
  private static final int SOCK_FILTER_BYTES = 8;

  private final long[] instructions;

  private ClassicBpf(long[] instructions) {
    this.instructions = instructions;
  }

  /** {@code ret #0}: a socket with this filter queues nothing. */
  public static ClassicBpf dropAll() {
    return new ClassicBpf(new long[] {insn(BPF_RET | BPF_K, 0, 0, 0)});
  }

  /**
   * For a packet socket of type {@code SOCK_DGRAM} bound to {@code ETH_P_IP} (the program sees the
   * IPv4 header at offset 0): accepts IPv4 packets of {@code ipProtocol}, every fragment included,
   * sent to {@code destination} (4 bytes) or to any address when it is null; drops packets this
   * host sends ({@code PACKET_OUTGOING}) and packets for another host's MAC ({@code
   * PACKET_OTHERHOST}), which the IP stack would not deliver either.
   */
  public static ClassicBpf ipv4Protocol(int ipProtocol, byte[] destination) {
    if (ipProtocol < 0 || ipProtocol > 255) {
      throw new IllegalArgumentException("IP protocol must be 0..255: " + ipProtocol);
    }
    if (destination != null && destination.length != 4) {
      throw new IllegalArgumentException("an IPv4 destination has 4 bytes");
    }
    long ldPktType = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_PKTTYPE);
    long ldProtocol = insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, IPV4_PROTOCOL_OFFSET);
    long accept = insn(BPF_RET | BPF_K, 0, 0, ACCEPT_BYTES);
    long drop = insn(BPF_RET | BPF_K, 0, 0, 0);
    if (destination == null) {
      return new ClassicBpf(
          new long[] {
            ldPktType,
            insn(BPF_JMP | BPF_JEQ | BPF_K, 4, 0, PACKET_OUTGOING), // -> drop
            insn(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, PACKET_OTHERHOST), // -> drop
            ldProtocol,
            insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, ipProtocol), // -> accept / drop
            accept,
            drop
          });
    }
    int address =
        ((destination[0] & 0xff) << 24)
            | ((destination[1] & 0xff) << 16)
            | ((destination[2] & 0xff) << 8)
            | (destination[3] & 0xff);
    return new ClassicBpf(
        new long[] {
          ldPktType,
          insn(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, PACKET_OUTGOING), // -> drop
          insn(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, PACKET_OTHERHOST), // -> drop
          ldProtocol,
          insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, ipProtocol), // -> drop
          insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, IPV4_DESTINATION_OFFSET), // network order
          insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, address), // -> accept / drop
          accept,
          drop
        });
  }

  /** Number of instructions. */
  public int length() {
    return instructions.length;
  }

  /** Instruction {@code i}'s opcode. */
  public int code(int i) {
    return (int) (instructions[i] >>> 48) & 0xffff;
  }

  /** Instruction {@code i}'s jump offset if true. */
  public int jumpTrue(int i) {
    return (int) (instructions[i] >>> 40) & 0xff;
  }

  /** Instruction {@code i}'s jump offset if false. */
  public int jumpFalse(int i) {
    return (int) (instructions[i] >>> 32) & 0xff;
  }

  /** Instruction {@code i}'s constant. */
  public int k(int i) {
    return (int) instructions[i];
  }

  /** Attaches the program to a socket ({@code SO_ATTACH_FILTER}); the kernel copies it. */
  void attachTo(SocketFd fd, String subject) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment filter = arena.allocate((long) SOCK_FILTER_BYTES * instructions.length, 8);
      for (int i = 0; i < instructions.length; i++) {
        long at = (long) i * SOCK_FILTER_BYTES;
        filter.set(JAVA_SHORT, at, (short) code(i));
        filter.set(JAVA_BYTE, at + 2, (byte) jumpTrue(i));
        filter.set(JAVA_BYTE, at + 3, (byte) jumpFalse(i));
        filter.set(JAVA_INT, at + 4, k(i));
      }
      // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: pointer at 8.
      MemorySegment program = arena.allocate(SOCK_FPROG_BYTES, 8);
      program.set(JAVA_SHORT, 0, (short) instructions.length);
      program.set(ADDRESS, 8, filter);
      fd.setBytes(Libc.SOL_SOCKET, SO_ATTACH_FILTER, program, "SO_ATTACH_FILTER " + subject);
    }
  }

  private static long insn(int code, int jt, int jf, int k) {
    return ((long) code << 48) | ((long) jt << 40) | ((long) jf << 32) | (k & 0xffffffffL);
  }

  @Override
  public String toString() {
    return "ClassicBpf" + Arrays.toString(instructions);
  }
}
