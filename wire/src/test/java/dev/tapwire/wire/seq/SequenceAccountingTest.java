package dev.tapwire.wire.seq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceAccountingTest {
  private final SequenceAccounting source = new SequenceAccounting();
  private final SequenceTracker a = new SequenceTracker();
  private final SequenceTracker b = new SequenceTracker();

  @Test
  void perSessionCountersInterleaved() {
    // A: 100, 101, 103 and B: 500, 501, 502, interleaved: one frame missing, on A.
    assertThat(source.observe(a, 100)).isZero();
    assertThat(source.observe(b, 500)).isZero();
    assertThat(source.observe(a, 101)).isZero();
    assertThat(source.observe(b, 501)).isZero();
    assertThat(source.observe(a, 103)).isEqualTo(1);
    assertThat(source.observe(b, 502)).isZero();
    assertThat(source.netMissing()).isEqualTo(1);
    assertThat(a.netMissing()).isEqualTo(1);
    assertThat(b.netMissing()).isZero();
  }

  @Test
  void perSessionCountersFarApart() {
    long[][] packets = {{0, 1_000_000}, {1, 1_000_001}, {3, 1_000_002}, {4, 1_000_005}};
    long found = 0;
    for (long[] pair : packets) {
      found += source.observe(a, pair[0]);
      found += source.observe(b, pair[1]);
    }
    assertThat(found).isEqualTo(3);
    assertThat(source.netMissing()).isEqualTo(3);
  }

  @Test
  void sharedCounterAcrossSessions() {
    // A1 B2 A3 B5: one frame (4) missing.
    assertThat(source.observe(a, 1)).isZero();
    assertThat(source.observe(b, 2)).isZero();
    assertThat(source.observe(a, 3)).isZero();
    assertThat(source.observe(b, 5)).isEqualTo(1);
    assertThat(source.netMissing()).isEqualTo(1);
  }

  @Test
  void sharedCounterLossSeenByTheSameSession() {
    // A1 B2 A3 A5: one frame (4) missing.
    assertThat(source.observe(a, 1)).isZero();
    assertThat(source.observe(b, 2)).isZero();
    assertThat(source.observe(a, 3)).isZero();
    assertThat(source.observe(a, 5)).isEqualTo(1);
    assertThat(source.netMissing()).isEqualTo(1);
  }

  @Test
  void sharedCounterReorderedAcrossSessionsLeavesNoLoss() {
    // Sent A1 B2 A3 B4, received A1 B2 B4 A3.
    source.observe(a, 1);
    source.observe(b, 2);
    assertThat(source.observe(b, 4)).isEqualTo(1);
    assertThat(source.observe(a, 3)).isEqualTo(-1);
    assertThat(source.netMissing()).isZero();
  }

  @Test
  void sharedCounterReorderedPastANewSessionLeavesNoLoss() {
    // Sent A1 C2 A3 B4, received A1 C2 B4 A3: B4 is B's first packet, so nothing was counted
    // for the skipped 3, and A's stream gap (2, which is C's) must not be counted either.
    SequenceTracker c = new SequenceTracker();
    source.observe(a, 1);
    source.observe(c, 2);
    assertThat(source.observe(b, 4)).isZero();
    assertThat(source.observe(a, 3)).isZero();
    assertThat(source.netMissing()).isZero();
  }

  @Test
  void singleSessionWrap() {
    long found = 0;
    for (long seq : new long[] {0xFFFF_FFFEL, 0xFFFF_FFFFL, 0, 2}) {
      found += source.observe(a, seq);
    }
    assertThat(found).isEqualTo(1);
  }

  @Test
  void signBoundaryAndHalfSpaceJump() {
    assertThat(source.observe(a, 0x7FFF_FFFFL)).isZero();
    assertThat(source.observe(a, 0x8000_0000L)).isZero();
    assertThat(source.observe(a, 0x8000_0000L + SerialNumbers.HALF)).isZero();
    assertThat(source.netMissing()).isZero();
  }

  @Test
  void duplicatesAndReorderingWithinAStream() {
    long net = 0;
    for (long seq : new long[] {1, 2, 2, 4, 3, 3, 5, 7, 6, 8}) {
      net += source.observe(a, seq);
    }
    assertThat(net).isZero();
    assertThat(source.netMissing()).isZero();
    assertThat(source.reorderedOrDuplicate()).isEqualTo(4);
  }

  @Test
  void constantZeroFromSeveralSessions() {
    for (int i = 0; i < 50; i++) {
      assertThat(source.observe(a, 0)).isZero();
      assertThat(source.observe(b, 0)).isZero();
    }
    assertThat(source.missing()).isZero();
  }

  @Test
  void restartToZeroIsAResetNotLoss() {
    for (long seq = 7_000_000; seq < 7_000_010; seq++) {
      source.observe(a, seq);
    }
    long net = 0;
    for (long seq = 0; seq < 10; seq++) {
      net += source.observe(a, seq);
    }
    assertThat(net).isZero();
    assertThat(source.resets()).isEqualTo(1);
    assertThat(source.missing()).isZero();
  }

  @Test
  void perSessionRestartOfOneSessionIsNotLoss() {
    for (long i = 0; i < 10; i++) {
      source.observe(a, 3_000_000 + i);
      source.observe(b, 9_000_000 + i);
    }
    long net = 0;
    for (long i = 0; i < 10; i++) {
      net += source.observe(a, i);
      net += source.observe(b, 9_000_010 + i);
    }
    assertThat(net).isZero();
    assertThat(source.netMissing()).isZero();
  }

  @Test
  void perSessionCountersInLockstepKeepTheirLoss() {
    // Two sessions whose independent counters run side by side: once the source is known to count
    // per session, B's 11 says nothing about A's lost 11.
    for (long seq = 0; seq < 10; seq++) {
      source.observe(a, seq);
      source.observe(b, seq);
    }
    assertThat(source.perSessionEvidence()).isGreaterThanOrEqualTo(8);
    assertThat(source.observe(a, 10)).isZero();
    assertThat(source.observe(b, 10)).isZero();
    assertThat(source.observe(a, 12)).isEqualTo(1);
    assertThat(source.observe(b, 11)).isZero();
    assertThat(source.observe(b, 12)).isZero();
    assertThat(source.observe(a, 13)).isZero();
    assertThat(source.netMissing()).isEqualTo(1);
  }

  @Test
  void sharedCounterIsRecognizedAndNotMistakenForIndependentCounters() {
    long net = 0;
    for (long seq = 0; seq < 200; seq++) {
      net += source.observe(seq % 3 == 0 ? a : b, seq);
    }
    assertThat(net).isZero();
    assertThat(source.perSessionEvidence()).isNegative();
  }

  @Test
  void newSessionAfterLossIsNotCountedTwice() {
    // Per-session: A loses 5 frames; B starts far away; nothing else.
    source.observe(a, 10);
    assertThat(source.observe(a, 16)).isEqualTo(5);
    assertThat(source.observe(b, 4_000_000)).isZero();
    assertThat(source.observe(a, 17)).isZero();
    assertThat(source.netMissing()).isEqualTo(5);
  }

  // ---------------------------------------------------------------------------------------------
  // Randomized check of the claim: whatever the sender mode, loss, duplication and reordering
  // (within the window), 0 <= netMissing <= frames actually lost.

  private record Packet(int session, long seq, double order) {}

  private record Outcome(long lost, long netMissing) {}

  private static Outcome simulate(
      long seed,
      boolean shared,
      int sessions,
      long[] starts,
      int sent,
      double lossRate,
      double duplicateRate,
      int reorderDepth) {
    Random random = new Random(seed);
    long[] counters = starts.clone();
    long sharedCounter = starts[0];
    List<Packet> packets = new ArrayList<>();
    long lost = 0;
    for (int i = 0; i < sent; i++) {
      int session = random.nextInt(sessions);
      long seq = shared ? sharedCounter++ : counters[session]++;
      seq &= SerialNumbers.MASK;
      if (random.nextDouble() < lossRate) {
        lost++;
        continue;
      }
      double order = i + (reorderDepth == 0 ? 0 : random.nextInt(reorderDepth + 1));
      packets.add(new Packet(session, seq, order));
      if (random.nextDouble() < duplicateRate) {
        packets.add(new Packet(session, seq, order + random.nextInt(reorderDepth + 2)));
      }
    }
    packets.sort(Comparator.comparingDouble(Packet::order));
    SequenceAccounting accounting = new SequenceAccounting();
    SequenceTracker[] streams = new SequenceTracker[sessions];
    for (int s = 0; s < sessions; s++) {
      streams[s] = new SequenceTracker();
    }
    long sumOfReturns = 0;
    for (Packet p : packets) {
      sumOfReturns += accounting.observe(streams[p.session()], p.seq());
      assertThat(accounting.netMissing()).isNotNegative();
      if (reorderDepth == 0 && duplicateRate == 0) {
        assertThat(accounting.netMissing()).isLessThanOrEqualTo(lost);
      }
    }
    assertThat(sumOfReturns).isEqualTo(accounting.netMissing());
    return new Outcome(lost, accounting.netMissing());
  }

  @Test
  void simulatedSendersNeverReportFalseLoss() {
    long[][] startSets = {
      {0, 0, 0, 0}, // per-session counters in lockstep
      {0, 100, 200, 300}, // close counters
      {0, 1_000_000, 2_000_000, 3_000_000}, // far apart
      {0xFFFF_FF00L, 0x7FFF_FF00L, 5, 0xFFFF_FFF0L}, // around the wrap and the sign boundary
    };
    int runs = 0;
    for (long seed = 1; seed <= 6; seed++) {
      for (boolean shared : new boolean[] {false, true}) {
        for (int sessions : new int[] {1, 2, 4}) {
          for (long[] starts : startSets) {
            for (int reorder : new int[] {0, 5, 60}) {
              for (double duplicates : new double[] {0, 0.02}) {
                for (double loss : new double[] {0, 0.003, 0.05}) {
                  Outcome o =
                      simulate(seed, shared, sessions, starts, 3000, loss, duplicates, reorder);
                  String scenario =
                      String.format(
                          "seed %d shared %b sessions %d start %d reorder %d dup %.2f loss %.3f",
                          seed, shared, sessions, starts[1], reorder, duplicates, loss);

                  assertThat(o.netMissing()).as(scenario).isBetween(0L, o.lost());
                  if (loss == 0) {
                    assertThat(o.netMissing()).as(scenario).isZero();
                  }
                  runs++;
                }
              }
            }
          }
        }
      }
    }
    assertThat(runs).isEqualTo(6 * 2 * 3 * 4 * 3 * 2 * 3);
  }

  @Test
  void simulatedSendersWithoutReorderingFindMostLoss() {
    long[][] startSets = {{0, 0, 0, 0}, {0, 100, 200, 300}, {0, 1_000_000, 2_000_000, 3_000_000}};
    for (boolean shared : new boolean[] {false, true}) {
      for (int sessions : new int[] {1, 2, 4}) {
        for (long[] starts : startSets) {
          Outcome o = simulate(42, shared, sessions, starts, 20_000, 0.01, 0, 0);
          String scenario =
              String.format("shared %b sessions %d start %d", shared, sessions, starts[1]);
          assertThat(o.lost()).as(scenario).isGreaterThan(100);
          assertThat((double) o.netMissing()).as(scenario).isGreaterThan(0.9 * o.lost());
          if (sessions == 1) {
            assertThat(o.netMissing())
                .as(scenario)
                .isLessThanOrEqualTo(o.lost())
                .isGreaterThan(o.lost() - 3);
          }
        }
      }
    }
  }
}
