package dev.tapwire.collector.sink.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.wire.pcap.LinkType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The mirror sink's bookkeeping with a recording transmitter and a fake clock. */
class MirrorNicSinkTest {
  private final SinkTestFrames frames = new SinkTestFrames(256, 4);
  private final StreamDescriptor s1 = SinkTestFrames.stream(1, "198.18.1.1", 1);
  private final StreamDescriptor s2 = SinkTestFrames.stream(2, "198.18.1.2", 2);

  private static FairSharePolicer fastPolicer() {
    return new FairSharePolicer(
        10_000_000_000L, TimeUnit.MILLISECONDS.toNanos(2), 16, TimeUnit.MINUTES.toNanos(1));
  }

  @Test
  void sendsFramesByteForByteInOrderAndCountsEveryDropByReason() {
    RecordingTransmitter tx = new RecordingTransmitter(8, 1518, n -> null);
    MirrorNicSink sink = new MirrorNicSink("test0", tx, fastPolicer(), 64, 1500);
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] bytes = SinkTestFrames.ethernet(60 + i * 70, i);
      expected.add(bytes);
      assertThat(sink.offer(frames.frame(i % 2 == 0 ? s1 : s2, bytes, i))).isTrue();
    }
    Frame rawIp = frames.frame(s1, SinkTestFrames.ethernet(60, 100), 100);
    rawIp.innerLinkType = LinkType.RAW;
    sink.offer(rawIp);
    sink.offer(frames.frame(s1, new byte[13], 101));
    sink.offer(frames.frame(s1, SinkTestFrames.ethernet(1519, 102), 102));
    Frame orphan = frames.frame(s1, SinkTestFrames.ethernet(60, 103), 103);
    orphan.stream = null;
    sink.offer(orphan);

    long now = 0;
    while (sink.worker().doWork(now) > 0) {
      now += 1_000;
    }
    assertThat(frames.framesInFlight()).as("every frame released once").isZero();
    assertThat(tx.sent).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(tx.sent.get(i)).isEqualTo(expected.get(i));
    }
    assertThat(tx.batchSizes).allMatch(n -> n <= 8);
    assertThat(sink.framesDelivered()).isEqualTo(20);
    assertThat(sink.framesDroppedByReason())
        .containsEntry(MirrorSinkCounters.LINK_TYPE_UNSUPPORTED, 1L)
        .containsEntry(MirrorSinkCounters.FRAME_TOO_SHORT, 1L)
        .containsEntry(MirrorSinkCounters.FRAME_TOO_LONG, 1L)
        .containsEntry(MirrorSinkCounters.NO_STREAM, 1L)
        .containsEntry(MirrorSinkCounters.OVERSUBSCRIBED, 0L);
    long bytes = expected.stream().mapToLong(b -> b.length).sum();
    assertThat(sink.counters().bytesDelivered()).isEqualTo(bytes);
    assertThat(sink.counters().wireBitsDelivered())
        .isEqualTo(expected.stream().mapToLong(b -> FairSharePolicer.wireBits(b.length)).sum());
    sink.close();
    assertThat(tx.closed).isTrue();
  }

  @Test
  void framesTheKernelRefusesAreCountedByReasonAndStream() {
    // Every third frame refused: the queue of the NIC was full.
    RecordingTransmitter tx =
        new RecordingTransmitter(
            4, 1518, n -> n % 3 == 2 ? MirrorSinkCounters.NIC_QUEUE_FULL : null);
    MirrorNicSink sink = new MirrorNicSink("test0", tx, fastPolicer(), 64, 1500);
    for (int i = 0; i < 12; i++) {
      sink.offer(frames.frame(i < 6 ? s1 : s2, SinkTestFrames.ethernet(100, i), i));
    }
    sink.close(); // sends what is queued
    assertThat(frames.framesInFlight()).isZero();
    assertThat(sink.framesDelivered()).isEqualTo(8);
    assertThat(sink.framesDroppedByReason()).containsEntry(MirrorSinkCounters.NIC_QUEUE_FULL, 4L);
    assertThat(tx.sent)
        .extracting(SinkTestFrames::sequenceOf)
        .containsExactly(0, 1, 3, 4, 6, 7, 9, 10);
    assertThat(sink.streamStats())
        .extracting(MirrorStreamStats::framesAdmitted, MirrorStreamStats::framesNotSent)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(6L, 2L),
            org.assertj.core.groups.Tuple.tuple(6L, 2L));
    assertThat(sink.counters().bytesDelivered()).isEqualTo(8 * 100);
  }

  @Test
  void oversubscriptionIsCountedPerStreamAndAddsUp() {
    RecordingTransmitter tx = new RecordingTransmitter(64, 1518, n -> null);
    FairSharePolicer policer =
        new FairSharePolicer(
            1_000_000, TimeUnit.MILLISECONDS.toNanos(1), 16, TimeUnit.MINUTES.toNanos(1));
    MirrorNicSink sink = new MirrorNicSink("test0", tx, policer, 1024, 1500);
    long now = 0;
    int offered = 0;
    for (int cycle = 0; cycle < 200; cycle++) {
      for (int i = 0; i < 4; i++) {
        sink.offer(
            frames.frame(i % 2 == 0 ? s1 : s2, SinkTestFrames.ethernet(1000, offered++), now));
      }
      sink.worker().doWork(now);
      now += TimeUnit.MILLISECONDS.toNanos(1);
    }
    assertThat(frames.framesInFlight()).isZero();
    long dropped = sink.framesDroppedByReason().get(MirrorSinkCounters.OVERSUBSCRIBED);
    assertThat(dropped).isPositive();
    assertThat(sink.framesDelivered() + dropped).isEqualTo(offered);
    assertThat(sink.oversubscribedDropsByStream()).containsOnlyKeys(s1, s2);
    assertThat(
            sink.oversubscribedDropsByStream().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(dropped);
    for (MirrorStreamStats s : sink.streamStats()) {
      assertThat(s.framesOffered()).isEqualTo(s.framesAdmitted() + s.framesDroppedOversubscribed());
    }
    assertThat(tx.sent).hasSize((int) sink.framesDelivered());
    sink.close();
  }
}
