package dev.tapwire.collector.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.runtime.work.SpscQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MergeStageTest {
  private static final long WINDOW_NS = 20_000_000L;
  private static final StreamDescriptor A = stream(1);
  private static final StreamDescriptor B = stream(2);

  private final FramePools pools = new FramePools(4096, 16);
  private final SpscQueue<Frame> input = new SpscQueue<>(4096);
  private final CollectingSink sink = new CollectingSink("test");

  static StreamDescriptor stream(long id) {
    return new StreamDescriptor(
        id, "s" + id, "stream " + id, 1, "198.18.0." + id, new StreamCounters());
  }

  private Frame frame(StreamDescriptor stream, long captureTimeNs, int id, int ttl) {
    byte[] inner = TestPackets.ethernetFrame(id, ttl, 20);
    Frame frame = pools.take(inner.length);
    frame.buffer().setBytes(0, inner);
    frame.packetLength = inner.length;
    frame.innerOffset = 0;
    frame.innerLength = inner.length;
    frame.innerLinkType = 1;
    frame.captureTimeNs = captureTimeNs;
    frame.stream = stream;
    return frame;
  }

  private MergeStage merge(boolean deliverLate, DuplicateFilter dedup, int heapCapacity) {
    return new MergeStage(
        input, new FrameSink[] {sink}, WINDOW_NS, deliverLate, dedup, heapCapacity);
  }

  @Test
  void interleavedStreamsWithJitterComeOutInCaptureTimeOrder() {
    MergeStage merge = merge(true, null, 4096);
    Random random = new Random(7);
    // Two streams, capture times interleaved 1 µs apart; each arrives with up to 5 ms of jitter
    // relative to the other, in bursts, within the 20 ms window.
    List<Frame> arrivals = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      arrivals.add(frame(i % 2 == 0 ? A : B, 1_000_000_000L + i * 1_000L, i, 64));
    }
    long nowNs = 0;
    for (int burst = 0; burst < arrivals.size(); burst += 100) {
      List<Frame> a = new ArrayList<>();
      List<Frame> b = new ArrayList<>();
      for (Frame f : arrivals.subList(burst, burst + 100)) {
        (f.stream == A ? a : b).add(f);
      }
      // Stream B's burst arrives before A's: network jitter between the two sources.
      for (Frame f : b) {
        input.offer(f);
      }
      merge.doWork(nowNs);
      nowNs += random.nextInt(5_000_000);
      for (Frame f : a) {
        input.offer(f);
      }
      merge.doWork(nowNs);
      nowNs += 1_000_000;
    }
    assertThat(sink.frames()).hasSizeLessThan(1000); // the last window is still held
    nowNs += WINDOW_NS;
    merge.doWork(nowNs);

    List<Long> times = sink.frames().stream().map(CollectingSink.Delivered::captureTimeNs).toList();
    assertThat(times).hasSize(1000).isSorted();
    assertThat(merge.counters().framesLate.get()).isZero();
    assertThat(pools.small().freeSlots()).isEqualTo(pools.small().slotCount());
  }

  @Test
  void noFrameWaitsLongerThanTheWindow() {
    MergeStage merge = merge(true, null, 4096);
    // A frame captured "in the future" (clock skew) sits at the bottom of the heap ...
    input.offer(frame(A, 5_000_000_000L, 1, 64));
    merge.doWork(0);
    // ... while frames of another stream keep arriving and leaving.
    for (int i = 0; i < 10; i++) {
      input.offer(frame(B, 1_000_000_000L + i, 100 + i, 64));
      merge.doWork(i * 1_000_000L);
    }
    merge.doWork(WINDOW_NS - 1);
    assertThat(sink.frames()).isEmpty();
    merge.doWork(WINDOW_NS);
    // The oldest arrival's window is over: it and everything captured before it leave.
    assertThat(sink.frames()).hasSize(11);
    assertThat(sink.frames().getLast().streamId()).isEqualTo(A.id());
  }

  @Test
  void lateFramesAreDeliveredAndCounted() {
    MergeStage merge = merge(true, null, 4096);
    input.offer(frame(A, 2_000, 1, 64));
    merge.doWork(0);
    merge.doWork(WINDOW_NS);
    input.offer(frame(B, 1_000, 2, 64));
    merge.doWork(WINDOW_NS + 1);

    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(2_000L, 1_000L);
    assertThat(merge.counters().framesLate.get()).isEqualTo(1);
    assertThat(merge.counters().droppedLate.get()).isZero();
  }

  @Test
  void lateFramesAreDroppedAndCountedWhenThePolicySaysSo() {
    MergeStage merge = merge(false, null, 4096);
    input.offer(frame(A, 2_000, 1, 64));
    merge.doWork(0);
    merge.doWork(WINDOW_NS);
    input.offer(frame(B, 1_000, 2, 64));
    input.offer(frame(B, 2_000, 3, 64)); // equal to the last released: not late
    merge.doWork(WINDOW_NS + 1);
    merge.doWork(3 * WINDOW_NS);

    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(2_000L, 2_000L);
    assertThat(merge.counters().framesLate.get()).isEqualTo(1);
    assertThat(merge.counters().droppedLate.get()).isEqualTo(1);
    assertThat(pools.small().freeSlots()).isEqualTo(pools.small().slotCount());
  }

  @Test
  void aFullHeapReleasesItsEarliestFrameEarly() {
    MergeStage merge = merge(true, null, 4);
    for (int i = 1; i <= 6; i++) {
      input.offer(frame(A, 1_000L * i, i, 64));
    }
    merge.doWork(0);
    // Capacity 4: the 5th and 6th arrivals each forced the earliest held frame out.
    assertThat(merge.counters().forcedReleases.get()).isEqualTo(2);
    assertThat(merge.counters().heapFrames.get()).isEqualTo(4);
    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(1_000L, 2_000L);
    merge.doWork(WINDOW_NS);
    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(1_000L, 2_000L, 3_000L, 4_000L, 5_000L, 6_000L);
    assertThat(merge.counters().framesLate.get()).isZero();
  }

  @Test
  void anArrivalEarlierThanAFullHeapLeavesAtOnce() {
    MergeStage merge = merge(true, null, 4);
    for (int i = 6; i >= 1; i--) {
      input.offer(frame(A, 1_000L * i, i, 64));
    }
    merge.doWork(0);
    // 2_000 found the heap full and was the earliest: it left at once; 1_000 came after it.
    assertThat(merge.counters().forcedReleases.get()).isEqualTo(1);
    assertThat(merge.counters().framesLate.get()).isEqualTo(1);
    merge.doWork(WINDOW_NS);
    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(2_000L, 1_000L, 3_000L, 4_000L, 5_000L, 6_000L);
  }

  @Test
  void refusedOffersAreChargedToTheSinkAndReleased() {
    CollectingSink full = new CollectingSink("full").refuseEvery(1);
    MergeStage merge =
        new MergeStage(input, new FrameSink[] {sink, full}, WINDOW_NS, true, null, 64);
    for (int i = 0; i < 10; i++) {
      input.offer(frame(A, i, i, 64));
    }
    merge.doWork(0);
    merge.doWork(WINDOW_NS);
    assertThat(sink.framesDelivered()).isEqualTo(10);
    assertThat(merge.counters().offeredPerSink.get(1)).isEqualTo(10);
    assertThat(merge.counters().queueFullPerSink.get(1)).isEqualTo(10);
    assertThat(pools.small().freeSlots()).isEqualTo(pools.small().slotCount());
  }

  @Test
  void duplicatesFromAnotherCapturePointAreDeliveredOnce() {
    MergeStage merge = merge(true, new DuplicateFilter(1024, WINDOW_NS), 4096);
    // The same packet seen at two capture points: TTL (and so the IP checksum) differ.
    input.offer(frame(A, 1_000_000, 7, 64));
    input.offer(frame(B, 1_050_000, 7, 63));
    // The same bytes again on the same stream are a different packet (a retransmission).
    input.offer(frame(A, 1_100_000, 7, 64));
    // A copy from another stream outside the window is not a duplicate either.
    input.offer(frame(B, 1_000_000 + 2 * WINDOW_NS, 7, 63));
    // A different packet.
    input.offer(frame(B, 1_200_000, 8, 64));
    merge.doWork(0);
    merge.doWork(WINDOW_NS);

    assertThat(merge.counters().droppedDuplicate.get()).isEqualTo(1);
    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(1_000_000L, 1_100_000L, 1_200_000L, 1_000_000L + 2 * WINDOW_NS);
    assertThat(pools.small().freeSlots()).isEqualTo(pools.small().slotCount());
  }

  @Test
  void flushReleasesEverythingInOrder() {
    MergeStage merge = merge(true, null, 64);
    input.offer(frame(A, 30, 1, 64));
    input.offer(frame(B, 10, 2, 64));
    merge.doWork(0);
    input.offer(frame(A, 20, 3, 64));
    merge.onClose();
    assertThat(sink.frames())
        .extracting(CollectingSink.Delivered::captureTimeNs)
        .containsExactly(10L, 20L, 30L);
  }
}
