package dev.tapwire.wire.ip;

import static dev.tapwire.wire.ip.testing.TestFragments.fragment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.wire.ip.Ipv4Reassembler.Result;
import dev.tapwire.wire.ip.testing.TestFragments;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Ipv4ReassemblerTest {
  private static final long SECOND = 1_000_000_000L;

  private final Ipv4Reassembler reassembler = new Ipv4Reassembler(16, 9000, 30 * SECOND, 64);

  private Result offer(ByteBuf fragment, long nowNs) {
    Result result = reassembler.offer(fragment, 0, fragment.readableBytes(), nowNs);
    assertAccountingHolds(reassembler);
    return result;
  }

  static void assertAccountingHolds(Ipv4Reassembler r) {
    long dropped = 0;
    for (FragmentDropReason reason : FragmentDropReason.values()) {
      dropped += r.droppedFragments(reason);
    }
    assertThat(r.fragmentsOffered())
        .isEqualTo(r.fragmentsReassembled() + r.bufferedFragments() + dropped);
  }

  /** Checks the rebuilt header and that the payload is datagram {@code id}'s pattern. */
  private void assertCompleted(int id, int payloadLength) {
    ByteBuf d = reassembler.completedDatagram();
    int at = d.readerIndex();
    assertThat(d.readableBytes()).isEqualTo(20 + payloadLength);
    assertThat(Ipv4Header.validate(d, at, d.readableBytes())).isEqualTo(Ipv4Header.VALID);
    assertThat(Ipv4Header.isFragment(d, at)).isFalse();
    assertThat(Ipv4Header.totalLengthBytes(d, at)).isEqualTo(20 + payloadLength);
    assertThat(Ipv4Header.identification(d, at)).isEqualTo(id);
    assertThat(InternetChecksum.compute(d, at, 20)).as("header checksum verifies").isZero();
    byte[] payload = new byte[payloadLength];
    d.getBytes(at + 20, payload);
    assertThat(payload).isEqualTo(TestFragments.payload(id, payloadLength));
  }

  @Test
  void inOrder() {
    assertThat(offer(fragment(1, 0, 1480, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(1, 1480, 1480, true), 1)).isEqualTo(Result.BUFFERED);
    assertThat(reassembler.completedDatagram().readableBytes()).isZero();
    assertThat(offer(fragment(1, 2960, 22, false), 2)).isEqualTo(Result.COMPLETE);
    assertCompleted(1, 2982);
    assertThat(reassembler.reassembled()).isEqualTo(1);
    assertThat(reassembler.fragmentsReassembled()).isEqualTo(3);
    assertThat(reassembler.partialDatagrams()).isZero();
    assertThat(reassembler.bufferedBytes()).isZero();
    assertThat(reassembler.bufferedFragments()).isZero();
  }

  @Test
  void reversed() {
    assertThat(offer(fragment(2, 2960, 22, false), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(2, 1480, 1480, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(2, 0, 1480, true), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(2, 2982);
  }

  @Test
  void outOfOrderInterleavedWithAnotherDatagram() {
    assertThat(offer(fragment(3, 16, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(4, 0, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(3, 32, 5, false), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(3, 0, 16, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(4, 8, 3, false), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(4, 11);
    assertThat(offer(fragment(3, 24, 8, true), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(3, 37);
  }

  @Test
  void randomOrdersOfManySmallFragmentsAllComplete() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int id = 1000 + round;
      int pieces = 2 + random.nextInt(40);
      int lastLength = 1 + random.nextInt(8);
      List<ByteBuf> fragments = new ArrayList<>();
      for (int i = 0; i < pieces - 1; i++) {
        fragments.add(fragment(id, i * 8, 8, true));
      }
      fragments.add(fragment(id, (pieces - 1) * 8, lastLength, false));
      Collections.shuffle(fragments, random);
      for (int i = 0; i < fragments.size() - 1; i++) {
        assertThat(offer(fragments.get(i), 0)).isEqualTo(Result.BUFFERED);
      }
      assertThat(offer(fragments.getLast(), 0)).isEqualTo(Result.COMPLETE);
      assertCompleted(id, (pieces - 1) * 8 + lastLength);
    }
  }

  @Test
  void identicalDuplicatesAreIgnored() {
    assertThat(offer(fragment(5, 0, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(5, 0, 8, true), 0)).isEqualTo(Result.DUPLICATE);
    assertThat(offer(fragment(5, 8, 4, false), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(5, 12);
    assertThat(reassembler.duplicates()).isEqualTo(1);
    assertThat(reassembler.droppedFragments(FragmentDropReason.DUPLICATE)).isEqualTo(1);
    // A late duplicate of a completed datagram starts a new partial one, which times out.
    assertThat(offer(fragment(5, 8, 4, false), 0)).isEqualTo(Result.BUFFERED);
  }

  @Test
  void duplicateFinalFragmentAndContainedDuplicate() {
    assertThat(offer(fragment(6, 16, 4, false), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(6, 16, 4, false), 0)).isEqualTo(Result.DUPLICATE);
    assertThat(offer(fragment(6, 0, 16, true), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(6, 20);
  }

  @Test
  void identicalOverlapExtendingCoverageIsAccepted() {
    assertThat(offer(fragment(7, 0, 16, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(7, 8, 16, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(reassembler.bufferedBytes()).isEqualTo(20 + 24);
    assertThat(offer(fragment(7, 24, 3, false), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(7, 27);
  }

  @Test
  void overlapWithDifferentBytesDropsTheDatagram() {
    assertThat(offer(fragment(8, 0, 16, true), 0)).isEqualTo(Result.BUFFERED);
    ByteBuf evil = fragment(TestFragments.SOURCE, 8, 8, 16, true, 99);
    assertThat(offer(evil, 0)).isEqualTo(Result.OVERLAP);
    assertThat(reassembler.overlaps()).isEqualTo(1);
    assertThat(reassembler.partialDatagrams()).isZero();
    assertThat(reassembler.droppedFragments(FragmentDropReason.OVERLAP)).isEqualTo(2);
    // The rest of the datagram starts a new partial datagram that cannot complete unnoticed.
    assertThat(offer(fragment(8, 16, 4, false), 0)).isEqualTo(Result.BUFFERED);
  }

  @Test
  void conflictingEndOfDatagramDropsTheDatagram() {
    assertThat(offer(fragment(9, 16, 4, false), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(9, 16, 8, false), 0)).isEqualTo(Result.OVERLAP);
    assertThat(offer(fragment(9, 24, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(9, 8, 8, false), 0))
        .as("data beyond the end")
        .isEqualTo(Result.OVERLAP);
    assertThat(offer(fragment(9, 16, 4, false), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(9, 24, 8, true), 0))
        .as("non-final fragment beyond the end")
        .isEqualTo(Result.OVERLAP);
  }

  @Test
  void missingLastFragmentTimesOut() {
    assertThat(offer(fragment(10, 0, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(10, 8, 8, true), SECOND)).isEqualTo(Result.BUFFERED);
    assertThat(reassembler.expire(30 * SECOND - 1)).isZero();
    assertThat(reassembler.expire(30 * SECOND)).isEqualTo(1);
    assertThat(reassembler.timedOut()).isEqualTo(1);
    assertThat(reassembler.droppedFragments(FragmentDropReason.TIMEOUT)).isEqualTo(2);
    assertThat(reassembler.partialDatagrams()).isZero();
    assertThat(reassembler.bufferedBytes()).isZero();
    assertAccountingHolds(reassembler);
  }

  @Test
  void fragmentOfATimedOutDatagramStartsAFreshOne() {
    assertThat(offer(fragment(11, 0, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(11, 8, 2, false), 31 * SECOND)).isEqualTo(Result.BUFFERED);
    assertThat(reassembler.timedOut()).isEqualTo(1);
    assertThat(reassembler.partialDatagrams()).isEqualTo(1);
  }

  @Test
  void clockGoingBackwardsDoesNotExpire() {
    assertThat(offer(fragment(12, 0, 8, true), 100 * SECOND)).isEqualTo(Result.BUFFERED);
    assertThat(reassembler.expire(0)).isZero();
    assertThat(reassembler.expire(100 * SECOND - 1)).isZero();
    assertThat(reassembler.partialDatagrams()).isEqualTo(1);
  }

  @Test
  void floodOfDistinctIdsStaysWithinTheTable() {
    Ipv4Reassembler small = new Ipv4Reassembler(64, 1500, 30 * SECOND, 8);
    for (int i = 0; i < 10_000; i++) {
      int source = TestFragments.SOURCE + (i >>> 16);
      ByteBuf f = fragment(source, i & 0xFFFF, 0, 8, true, i);
      assertThat(small.offer(f, 0, f.readableBytes(), i)).isEqualTo(Result.BUFFERED);
      assertThat(small.partialDatagrams()).isLessThanOrEqualTo(64);
      assertThat(small.bufferedBytes()).isLessThanOrEqualTo(64L * 1500);
    }
    assertThat(small.partialDatagrams()).isEqualTo(64);
    assertThat(small.evicted()).isEqualTo(10_000 - 64);
    assertThat(small.droppedFragments(FragmentDropReason.TABLE_FULL)).isEqualTo(10_000 - 64);
    assertAccountingHolds(small);
    // The oldest were evicted: the newest datagram can still complete, the oldest cannot.
    ByteBuf newestEnd = fragment(TestFragments.SOURCE, 9_999, 8, 1, false, 9_999);
    assertThat(small.offer(newestEnd, 0, newestEnd.readableBytes(), 10_000))
        .isEqualTo(Result.COMPLETE);
    ByteBuf oldestEnd = fragment(TestFragments.SOURCE, 0, 8, 1, false, 0);
    assertThat(small.offer(oldestEnd, 0, oldestEnd.readableBytes(), 10_001))
        .isEqualTo(Result.BUFFERED);
  }

  @Test
  void oversizeDatagramIsDropped() {
    Ipv4Reassembler small = new Ipv4Reassembler(4, 1500, SECOND, 8);
    ByteBuf first = fragment(13, 0, 1472, true);
    assertThat(small.offer(first, 0, first.readableBytes(), 0)).isEqualTo(Result.BUFFERED);
    ByteBuf tooFar = fragment(13, 1472, 16, false); // 20 + 1488 > 1500
    assertThat(small.offer(tooFar, 0, tooFar.readableBytes(), 0)).isEqualTo(Result.TOO_LARGE);
    assertThat(small.partialDatagrams()).isZero();
    assertThat(small.droppedFragments(FragmentDropReason.TOO_LARGE)).isEqualTo(2);
    ByteBuf exact = fragment(14, 1472, 8, false); // 20 + 1480 == 1500
    assertThat(small.offer(exact, 0, exact.readableBytes(), 0)).isEqualTo(Result.BUFFERED);
  }

  @Test
  void beyond65535IsTooLargeEvenWithTheLargestLimit() {
    Ipv4Reassembler large = new Ipv4Reassembler(2, 65535, SECOND, 16);
    // Ping of death: maximum offset (8191 * 8 = 65528) plus 16 bytes of payload.
    ByteBuf last = fragment(15, 65528, 16, false);
    assertThat(large.offer(last, 0, last.readableBytes(), 0)).isEqualTo(Result.TOO_LARGE);
    ByteBuf fits = fragment(16, 65504, 11, false); // 20 + 65515 == 65535
    assertThat(large.offer(fits, 0, fits.readableBytes(), 0)).isEqualTo(Result.BUFFERED);
  }

  @Test
  void largeFirstFragmentHeaderCountsTowardsTheLimit() {
    Ipv4Reassembler small = new Ipv4Reassembler(2, 100, SECOND, 8);
    ByteBuf last = fragment(17, 8, 72, false); // 20 + 80 == 100 fits with a minimal header
    assertThat(small.offer(last, 0, last.readableBytes(), 0)).isEqualTo(Result.BUFFERED);
    ByteBuf first = withOptions(fragment(17, 0, 8, true)); // IHL 6: 24 + 80 > 100
    assertThat(small.offer(first, 0, first.readableBytes(), 0)).isEqualTo(Result.TOO_LARGE);
  }

  @Test
  void nonFinalFragmentNotAMultipleOfEightIsBadOffset() {
    assertThat(offer(fragment(18, 0, 12, true), 0)).isEqualTo(Result.BAD_OFFSET);
    assertThat(reassembler.partialDatagrams()).isZero();
    assertThat(offer(fragment(18, 0, 16, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(18, 16, 12, true), 0)).isEqualTo(Result.BAD_OFFSET);
    assertThat(reassembler.partialDatagrams()).as("the datagram survives").isEqualTo(1);
    assertThat(offer(fragment(18, 16, 12, false), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(18, 28);
  }

  @Test
  void fragmentsWithZeroPayloadAreInvalid() {
    assertThat(offer(fragment(19, 0, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(19, 8, 0, true), 0)).isEqualTo(Result.INVALID);
    assertThat(offer(fragment(19, 8, 0, false), 0)).isEqualTo(Result.INVALID);
    assertThat(offer(fragment(19, 8, 3, false), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(19, 11);
    assertThat(reassembler.droppedFragments(FragmentDropReason.INVALID)).isEqualTo(2);
  }

  @Test
  void tooManyFragmentsDropTheDatagram() {
    Ipv4Reassembler small = new Ipv4Reassembler(2, 1500, SECOND, 4);
    for (int i = 0; i < 4; i++) {
      ByteBuf f = fragment(20, i * 16, 8, true); // holes between them
      assertThat(small.offer(f, 0, f.readableBytes(), 0)).isEqualTo(Result.BUFFERED);
    }
    ByteBuf fifth = fragment(20, 8, 8, true);
    assertThat(small.offer(fifth, 0, fifth.readableBytes(), 0)).isEqualTo(Result.TOO_MANY);
    assertThat(small.droppedFragments(FragmentDropReason.TOO_MANY)).isEqualTo(5);
    assertThat(small.partialDatagrams()).isZero();
    assertAccountingHolds(small);
  }

  @Test
  void keyIncludesSourceDestinationProtocolAndId() {
    ByteBuf a = fragment(TestFragments.SOURCE, 21, 0, 8, true, 21);
    ByteBuf b = fragment(TestFragments.SOURCE + 1, 21, 8, 4, false, 21);
    ByteBuf c = fragment(21, 8, 4, false);
    c.setByte(Ipv4Header.PROTOCOL_OFFSET, IpProtocol.UDP);
    Ipv4HeaderEncoder.updateChecksum(c, 0);
    assertThat(offer(a, 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(b, 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(c, 0)).isEqualTo(Result.BUFFERED);
    assertThat(reassembler.partialDatagrams()).isEqualTo(3);
    assertThat(offer(fragment(21, 8, 4, false), 0)).isEqualTo(Result.COMPLETE);
  }

  @Test
  void firstFragmentOptionsAndDontFragmentBitAreKept() {
    ByteBuf first = withOptions(fragment(22, 0, 8, true));
    first.setShort(Ipv4Header.FLAGS_FRAGMENT_OFFSET, Ipv4Header.FLAG_MORE_FRAGMENTS | 0x8000);
    Ipv4HeaderEncoder.updateChecksum(first, 0);
    assertThat(offer(fragment(22, 8, 5, false), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(first, 0)).isEqualTo(Result.COMPLETE);
    ByteBuf d = reassembler.completedDatagram();
    int at = d.readerIndex();
    assertThat(Ipv4Header.headerLengthBytes(d, at)).isEqualTo(24);
    assertThat(Ipv4Header.totalLengthBytes(d, at)).isEqualTo(24 + 13).isEqualTo(d.readableBytes());
    assertThat(Ipv4Header.flagsAndFragmentOffset(d, at)).isEqualTo(0x8000);
    assertThat(d.getInt(at + 20)).isEqualTo(0x01010101);
    assertThat(InternetChecksum.compute(d, at, 24)).isZero();
    assertThat(d.isReadOnly()).isTrue();
    assertThat(d.release()).as("owned by the reassembler").isFalse();
  }

  @Test
  void garbageAndNonFragmentsAreInvalidNeverThrown() {
    ByteBuf notFragment = fragment(23, 0, 8, false);
    assertThat(offer(notFragment, 0)).isEqualTo(Result.INVALID);
    ByteBuf empty = Unpooled.buffer(0);
    assertThat(reassembler.offer(empty, 0, 0, 0)).isEqualTo(Result.INVALID);
    ByteBuf f = fragment(23, 0, 8, true);
    assertThat(reassembler.offer(f, 0, 27, 0)).as("truncated").isEqualTo(Result.INVALID);
    assertThat(reassembler.offer(f, -1, 28, 0)).isEqualTo(Result.INVALID);
    assertThat(reassembler.offer(f, 10, 28, 0)).isEqualTo(Result.INVALID);
    assertThat(reassembler.offer(f, 0, Integer.MAX_VALUE, 0)).isEqualTo(Result.INVALID);
    ByteBuf wrongVersion = fragment(23, 0, 8, true);
    wrongVersion.setByte(0, 0x65);
    assertThat(offer(wrongVersion, 0)).isEqualTo(Result.INVALID);
    assertAccountingHolds(reassembler);
  }

  @Test
  void linkPaddingAfterTheTotalLengthIsIgnored() {
    ByteBuf last = Unpooled.buffer(46);
    last.writeBytes(fragment(24, 8, 2, false));
    last.writeZero(46 - last.readableBytes()); // Ethernet minimum frame padding
    assertThat(offer(fragment(24, 0, 8, true), 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(last, 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(24, 10);
  }

  @Test
  void fragmentAtANonZeroOffsetOfALargerBuffer() {
    ByteBuf f = fragment(25, 0, 8, true);
    int length = f.readableBytes();
    ByteBuf frame = Unpooled.buffer(14 + length);
    frame.writeZero(14).writeBytes(f);
    assertThat(reassembler.offer(frame, 14, length, 0)).isEqualTo(Result.BUFFERED);
    assertThat(offer(fragment(25, 8, 1, false), 0)).isEqualTo(Result.COMPLETE);
    assertCompleted(25, 9);
  }

  @Test
  void slotBuffersAreReusedAcrossDatagrams() {
    Ipv4Reassembler one = new Ipv4Reassembler(1, 1500, SECOND, 8);
    ByteBuf firstView = null;
    for (int id = 0; id < 100; id++) {
      ByteBuf a = fragment(id, 0, 8, true);
      ByteBuf b = fragment(id, 8, 4, false);
      one.offer(a, 0, a.readableBytes(), 0);
      assertThat(one.offer(b, 0, b.readableBytes(), 0)).isEqualTo(Result.COMPLETE);
      if (firstView == null) {
        firstView = one.completedDatagram();
      }
      assertThat(one.completedDatagram()).isSameAs(firstView);
      assertThat(
              ByteBufUtil.getBytes(
                  one.completedDatagram(), one.completedDatagram().readerIndex() + 20, 12))
          .isEqualTo(TestFragments.payload(id, 12));
    }
  }

  @Test
  void badConfigurationNamesTheSetting() {
    assertThatThrownBy(() -> new Ipv4Reassembler(0, 1500, SECOND, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDatagrams")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> new Ipv4Reassembler(4, 70000, SECOND, 8))
        .hasMessageContaining("maxDatagramBytes");
    assertThatThrownBy(() -> new Ipv4Reassembler(4, 1500, 0, 8)).hasMessageContaining("timeoutNs");
    assertThatThrownBy(() -> new Ipv4Reassembler(4, 1500, SECOND, 1))
        .hasMessageContaining("maxFragmentsPerDatagram");
  }

  @Test
  void labelsAreStableLowerSnakeCase() {
    assertThat(FragmentDropReason.values())
        .extracting(FragmentDropReason::label)
        .containsExactly(
            "fragment_duplicate",
            "fragment_overlap",
            "fragment_too_large",
            "fragment_bad_offset",
            "fragment_too_many",
            "fragment_table_full",
            "fragment_timeout",
            "fragment_invalid");
    assertThat(Result.BUFFERED.isDrop()).isFalse();
    assertThat(Result.OVERLAP.dropReason()).isEqualTo(FragmentDropReason.OVERLAP);
  }

  /** Inserts 4 bytes of options (IHL 6) after the 20-byte header of a fragment. */
  private static ByteBuf withOptions(ByteBuf fragment) {
    int total = fragment.readableBytes() + 4;
    ByteBuf out = Unpooled.buffer(total);
    out.writeBytes(fragment, 0, 20);
    out.writeInt(0x01010101); // four NOP options
    out.writeBytes(fragment, 20, fragment.readableBytes() - 20);
    out.setByte(0, 0x46);
    out.setShort(Ipv4Header.TOTAL_LENGTH_OFFSET, total);
    Ipv4HeaderEncoder.updateChecksum(out, 0);
    return out;
  }
}
