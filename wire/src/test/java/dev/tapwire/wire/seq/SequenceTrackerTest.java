package dev.tapwire.wire.seq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
  private final SequenceTracker tracker = new SequenceTracker();

  private long observeAll(long... seqs) {
    long sum = 0;
    for (long seq : seqs) {
      sum += tracker.observe(seq);
    }
    return sum;
  }

  @Test
  void inOrderHasNoLoss() {
    assertThat(observeAll(10, 11, 12, 13)).isZero();
    assertThat(tracker.missing()).isZero();
    assertThat(tracker.packets()).isEqualTo(4);
  }

  @Test
  void gapIsCounted() {
    assertThat(tracker.observe(100)).isZero();
    assertThat(tracker.observe(101)).isZero();
    assertThat(tracker.observe(105)).isEqualTo(3);
    assertThat(tracker.gapEvents()).isEqualTo(1);
    assertThat(tracker.missing()).isEqualTo(3);
  }

  @Test
  void gapAcrossTheWrap() {
    assertThat(observeAll(0xFFFF_FFFEL, 0xFFFF_FFFFL, 0, 2)).isEqualTo(1);
    assertThat(tracker.missing()).isEqualTo(1);
    assertThat(tracker.highest()).isEqualTo(2);
  }

  @Test
  void signBoundaryIsAnOrdinaryStep() {
    assertThat(observeAll(0x7FFF_FFFEL, 0x7FFF_FFFFL, 0x8000_0000L, 0x8000_0001L)).isZero();
  }

  @Test
  void jumpOfExactlyHalfTheSpaceIsNeverLoss() {
    SequenceTracker wide = new SequenceTracker(SerialNumbers.HALF - 2);
    assertThat(wide.observe(5)).isZero();
    assertThat(wide.observe(5 + SerialNumbers.HALF)).isZero();
    assertThat(wide.missing()).isZero();
    assertThat(wide.reorderedOrDuplicate()).isEqualTo(1);
    // ... while one less than half is the largest gap a maximal maxGap counts.
    SequenceTracker other = new SequenceTracker(SerialNumbers.HALF - 2);
    other.observe(5);
    assertThat(other.observe(5 + SerialNumbers.HALF - 1)).isEqualTo(SerialNumbers.HALF - 2);
  }

  @Test
  void duplicatesAreNotLoss() {
    assertThat(observeAll(1, 2, 2, 3, 3, 3, 2)).isZero();
    assertThat(tracker.missing()).isZero();
    assertThat(tracker.reorderedOrDuplicate()).isEqualTo(4);
  }

  @Test
  void reorderingRecoversTheCountedGap() {
    assertThat(tracker.observe(1)).isZero();
    assertThat(tracker.observe(3)).isEqualTo(1);
    assertThat(tracker.observe(2)).isEqualTo(-1);
    assertThat(tracker.observe(4)).isZero();
    assertThat(tracker.netMissing()).isZero();
    assertThat(tracker.missing()).isEqualTo(1);
    assertThat(tracker.recovered()).isEqualTo(1);
    assertThat(tracker.observe(2)).as("a second copy is a duplicate").isZero();
  }

  @Test
  void deepReorderingWithinTheWindowLeavesNoLoss() {
    tracker.observe(0);
    long net = 0;
    for (long s = 1000; s >= 1; s--) {
      net += tracker.observe(s);
    }
    assertThat(net).isZero();
    assertThat(tracker.netMissing()).isZero();
  }

  @Test
  void numbersBeforeTheFirstOneAreNotRecovered() {
    assertThat(observeAll(100, 99, 98, 101)).isZero();
    assertThat(tracker.recovered()).isZero();
    assertThat(tracker.netMissing()).isZero();
  }

  @Test
  void constantZeroIsNotLoss() {
    for (int i = 0; i < 100; i++) {
      assertThat(tracker.observe(0)).isZero();
    }
    assertThat(tracker.missing()).isZero();
    assertThat(tracker.resets()).isZero();
  }

  @Test
  void restartToZeroIsAResetNotLoss() {
    assertThat(observeAll(5_000_000, 5_000_001, 5_000_002)).isZero();
    assertThat(observeAll(0, 1, 2, 3)).isZero();
    assertThat(tracker.resets()).isEqualTo(1);
    assertThat(tracker.missing()).isZero();
    assertThat(tracker.observe(5)).as("loss after the restart is counted").isEqualTo(1);
  }

  @Test
  void restartToASmallNumberWithinTheWindowIsDuplicatesNotLoss() {
    assertThat(observeAll(500, 501, 502)).isZero();
    assertThat(observeAll(0, 1, 2)).isZero();
    assertThat(tracker.missing()).isZero();
  }

  @Test
  void forwardJumpBeyondMaxGapIsAResetNotLoss() {
    assertThat(observeAll(0xF000_0000L, 0xF000_0001L)).isZero();
    // Restart near the wrap: 0 is 0x0fffffff "after" 0xf0000001, beyond the default maxGap.
    assertThat(observeAll(0, 1, 2)).isZero();
    assertThat(tracker.resets()).isEqualTo(1);
    assertThat(tracker.missing()).isZero();
  }

  @Test
  void aSingleStragglerDoesNotMoveTheBaseline() {
    assertThat(observeAll(5_000_000, 5_000_001)).isZero();
    assertThat(tracker.observe(10)).isZero(); // far behind, alone
    assertThat(observeAll(5_000_002, 5_000_003)).isZero();
    assertThat(tracker.resets()).isZero();
    assertThat(tracker.missing()).isZero();
  }

  @Test
  void gapLargerThanTheWindowIsCountedAndLaterNumbersAreDuplicatesOrOutOfRange() {
    tracker.observe(0);
    assertThat(tracker.observe(5000)).isEqualTo(4999);
    assertThat(tracker.observe(4990)).as("within the window: late").isEqualTo(-1);
    assertThat(tracker.observe(10)).as("beyond the window: not recognized").isZero();
    assertThat(tracker.netMissing()).isEqualTo(4998);
  }

  @Test
  void badMaxGapNamesTheSetting() {
    assertThatThrownBy(() -> new SequenceTracker(0)).hasMessageContaining("maxGap");
    assertThatThrownBy(() -> new SequenceTracker(SerialNumbers.HALF))
        .hasMessageContaining("maxGap");
  }
}
