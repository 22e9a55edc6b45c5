package dev.tapwire.wire.ip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tapwire.wire.ip.Ipv4Reassembler.Result;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes {@link Ipv4Reassembler} with sequences of fragments and clock steps.
 *
 * <p>The input is a sequence of operations, each starting with an op byte whose low two bits pick:
 *
 * <ul>
 *   <li>0, a structured fragment: {@code key, flagsHi, flagsLo, length}. {@code key} bits 0-1 are
 *       the identification and bit 2 the source; {@code flags} is the IPv4 flags/offset word with
 *       the offset limited to 255 units; op bit 2 rounds the length down to a multiple of 8, op bit
 *       3 fills the payload with a conflicting pattern, op bit 4 adds 4 bytes of options.
 *   <li>1, a raw packet: {@code n} and {@code n} bytes, offered as they are (op bit 2 claims one
 *       byte more than the buffer holds).
 *   <li>2, the clock moves forward by a 16-bit number of milliseconds; op bit 2 then calls {@link
 *       Ipv4Reassembler#expire}.
 *   <li>3, the clock moves backwards by a 16-bit number of microseconds.
 * </ul>
 *
 * <p>Missing bytes read as zero. After every operation: no exception, the table and buffered bytes
 * stay within bounds, fragments are all accounted for, and a completed datagram has a valid,
 * unfragmented header with a correct checksum and total length.
 */
class Ipv4ReassemblerFuzzTest {
  private static final int MAX_DATAGRAMS = 4;
  private static final int MAX_DATAGRAM_BYTES = 1024;
  private static final long TIMEOUT_NS = 1_000_000_000L;

  @FuzzTest(maxDuration = "30s")
  void offerSequence(byte[] input) {
    Ipv4Reassembler reassembler =
        new Ipv4Reassembler(MAX_DATAGRAMS, MAX_DATAGRAM_BYTES, TIMEOUT_NS, 8);
    Cursor in = new Cursor(input);
    ByteBuf scratch = Unpooled.buffer(Ipv4Header.MIN_LENGTH + 4 + 255);
    long nowNs = 0;
    while (in.hasMore()) {
      int op = in.u8();
      Result result = null;
      switch (op & 3) {
        case 0 -> result = offerStructured(reassembler, scratch, op, in, nowNs);
        case 1 -> {
          int n = in.u8();
          ByteBuf raw = Unpooled.wrappedBuffer(in.bytes(n));
          int claimed = (op & 4) != 0 ? n + 1 : n;
          result = reassembler.offer(raw, 0, claimed, nowNs);
        }
        case 2 -> {
          nowNs += in.u16() * 1_000_000L;
          if ((op & 4) != 0) {
            reassembler.expire(nowNs);
          }
        }
        default -> nowNs -= in.u16() * 1_000L;
      }
      checkInvariants(reassembler, result);
    }
  }

  private static Result offerStructured(
      Ipv4Reassembler reassembler, ByteBuf scratch, int op, Cursor in, long nowNs) {
    int key = in.u8();
    int flags = in.u16();
    int length = in.u8();
    if ((op & 4) != 0) {
      length &= ~7;
    }
    boolean options = (op & 16) != 0;
    int headerLength = options ? 24 : 20;
    int start = (flags & 0xFF) * 8;
    int seed = (op & 8) != 0 ? 99 : key & 3;
    Ipv4HeaderEncoder.encode(
        scratch,
        0,
        0,
        headerLength + length,
        key & 3,
        (flags & 0xE000) | (flags & 0xFF),
        64,
        IpProtocol.GRE,
        0xC6120001 + ((key >>> 2) & 1),
        0xC6120002);
    if (options) {
      scratch.setByte(0, 0x46);
      scratch.setInt(20, 0x01010101);
      Ipv4HeaderEncoder.updateChecksum(scratch, 0);
    }
    for (int i = 0; i < length; i++) {
      scratch.setByte(headerLength + i, (start + i) * 31 + seed);
    }
    return reassembler.offer(scratch, 0, headerLength + length, nowNs);
  }

  private static void checkInvariants(Ipv4Reassembler reassembler, Result result) {
    assertThat(reassembler.partialDatagrams()).isBetween(0, MAX_DATAGRAMS);
    assertThat(reassembler.bufferedBytes())
        .isBetween(0L, (long) MAX_DATAGRAMS * MAX_DATAGRAM_BYTES);
    long dropped = 0;
    for (FragmentDropReason reason : FragmentDropReason.values()) {
      dropped += reassembler.droppedFragments(reason);
    }
    assertThat(reassembler.fragmentsOffered())
        .isEqualTo(reassembler.fragmentsReassembled() + reassembler.bufferedFragments() + dropped);
    ByteBuf datagram = reassembler.completedDatagram();
    if (result == null) {
      return; // a clock step: the last completed datagram, if any, stays valid
    }
    if (result != Result.COMPLETE) {
      assertThat(datagram.readableBytes()).isZero();
      return;
    }
    int at = datagram.readerIndex();
    int length = datagram.readableBytes();
    assertThat(length).isBetween(Ipv4Header.MIN_LENGTH + 1, MAX_DATAGRAM_BYTES);
    assertThat(Ipv4Header.validate(datagram, at, length)).isEqualTo(Ipv4Header.VALID);
    assertThat(Ipv4Header.totalLengthBytes(datagram, at)).isEqualTo(length);
    assertThat(Ipv4Header.isFragment(datagram, at)).isFalse();
    assertThat(InternetChecksum.compute(datagram, at, Ipv4Header.headerLengthBytes(datagram, at)))
        .isZero();
  }

  /** Reads the fuzzer input; exhausted input reads as zeros. */
  private static final class Cursor {
    private final byte[] data;
    private int position;

    Cursor(byte[] data) {
      this.data = data;
    }

    boolean hasMore() {
      return position < data.length;
    }

    int u8() {
      return position < data.length ? data[position++] & 0xFF : 0;
    }

    int u16() {
      return (u8() << 8) | u8();
    }

    byte[] bytes(int n) {
      byte[] out = new byte[n];
      int available = Math.max(0, Math.min(n, data.length - position));
      System.arraycopy(data, position, out, 0, available);
      position += available;
      return out;
    }
  }
}
