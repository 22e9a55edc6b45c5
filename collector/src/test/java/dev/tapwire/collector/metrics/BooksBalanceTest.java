package dev.tapwire.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.decode.DecodeStage;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.merge.DuplicateFilter;
import dev.tapwire.collector.merge.MergeStage;
import dev.tapwire.collector.receive.FrameHandoff;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.RealCapturePackets;
import dev.tapwire.collector.testing.RealCapturePackets.OuterPacket;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every packet of every real capture goes through receive hand-off, decode, merge and two sinks,
 * with queues and pools small enough that every kind of drop happens; the books still balance.
 */
class BooksBalanceTest {
  @Test
  void theBooksBalanceWhateverIsDropped() {
    FramePools pools = new FramePools(56, 4);
    SpscQueue<Frame> receiveQueue = new SpscQueue<>(32);
    ReceiveCounters receive = new ReceiveCounters("test", receiveQueue);
    FrameHandoff handoff = new FrameHandoff(pools, receiveQueue, receive);
    SpscQueue<Frame> mergeInput = new SpscQueue<>(16);
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {receiveQueue};
    DecodeStage decode =
        new DecodeStage(
            inputs,
            mergeInput,
            pools,
            new TunnelClassifier(),
            new SourceAllowlist(List.of()),
            new Ipv4Reassembler(8, 65_535, 1_000_000L, 64),
            new StreamTable(8, 1_000_000_000L));
    CollectingSink files = new CollectingSink("file");
    CollectingSink mirror = new CollectingSink("mirror").refuseEvery(3);
    List<FrameSink> sinks = List.of(files, mirror);
    long windowNs = 5_000_000L;
    MergeStage merge =
        new MergeStage(
            mergeInput,
            sinks.toArray(new FrameSink[0]),
            windowNs,
            false,
            new DuplicateFilter(64, windowNs),
            24);

    List<OuterPacket> packets = new ArrayList<>();
    for (String file : RealCapturePackets.TUNNELLED) {
      packets.addAll(RealCapturePackets.read(RealCaptures.file(file)));
    }
    long nowNs = 0;
    for (int i = 0; i < packets.size(); i++) {
      OuterPacket p = packets.get(i);
      Frame frame = handoff.take(p.ip().length);
      if (frame != null) {
        frame.buffer().setBytes(0, p.ip());
        frame.packetLength = p.ip().length;
        frame.receiveTimeNs = p.timestampNs();
        frame.origin = Frame.ORIGIN_RAW_IPV4;
        handoff.handOff(frame);
      }
      if (i % 40 == 39) {
        // The merge runs every third cycle only: its queue overflows and frames pile up.
        decode.doWork(nowNs);
        if (i % 120 == 119) {
          merge.doWork(nowNs);
        }
        nowNs += 1_000_000L;
      }
    }
    while (decode.doWork(nowNs) + merge.doWork(nowNs) > 0) {
      nowNs += windowNs;
    }
    merge.flush();

    CollectorBooks books =
        new CollectorBooks(
            List.of(receive), decode.counters(), mergeInput, merge.counters(), sinks);
    assertThat(books.balances())
        .hasSize(6)
        .allSatisfy(balance -> assertThat(balance.balanced()).as(balance.toString()).isTrue());
    // Every kind of loss happened, so the equations were tested, not trivially true.
    assertThat(receive.droppedQueueFull.get()).isPositive();
    assertThat(receive.droppedBufferExhausted.get()).isPositive();
    assertThat(decode.counters().droppedQueueFull.get()).isPositive();
    assertThat(decode.counters().invalid.sum() + decode.counters().skipped.sum()).isPositive();
    assertThat(merge.counters().droppedLate.get()).isPositive();
    assertThat(merge.counters().queueFullPerSink.get(1)).isPositive();
    assertThat(files.framesDelivered()).isPositive();
    assertThat(pools.small().freeSlots()).isEqualTo(pools.small().slotCount());
    assertThat(pools.large().freeSlots()).isEqualTo(pools.large().slotCount());
  }
}
