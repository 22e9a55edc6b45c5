package dev.tapwire.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.tapwire.collector.config.Cidr;
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
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Once its streams exist, the data path (hand-off, decode, stream lookup, sequence accounting,
 * merge, de-duplication, fan-out) allocates nothing per frame: measured with the JVM's per-thread
 * allocation counter over many frames.
 */
class HotPathAllocationTest {
  private static final int STREAMS = 8;
  private static final int ROUNDS = 200;

  /** Releases without allocating, as a real sink hands frames to its own thread. */
  private static final class ReleasingSink implements FrameSink {
    long delivered;

    @Override
    public String name() {
      return "release";
    }

    @Override
    public void start() {}

    @Override
    public boolean offer(Frame frame) {
      delivered++;
      frame.release();
      return true;
    }

    @Override
    public long framesDelivered() {
      return delivered;
    }

    @Override
    public Map<String, Long> framesDroppedByReason() {
      return Map.of();
    }

    @Override
    public int queuedFrames() {
      return 0;
    }

    @Override
    public boolean healthy() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void theWarmDataPathAllocatesNothingPerFrame() {
    FramePools pools = new FramePools(1024, 16);
    SpscQueue<Frame> queue = new SpscQueue<>(1024);
    FrameHandoff handoff = new FrameHandoff(pools, queue, new ReceiveCounters("rx", queue));
    SpscQueue<Frame> mergeInput = new SpscQueue<>(1024);
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {queue};
    DecodeStage decode =
        new DecodeStage(
            inputs,
            mergeInput,
            pools,
            new TunnelClassifier(),
            new SourceAllowlist(List.of(Cidr.parse("198.18.0.0/15"))),
            new Ipv4Reassembler(8, 65_535, 1_000_000_000L, 64),
            new StreamTable(64, Long.MAX_VALUE / 4));
    ReleasingSink a = new ReleasingSink();
    ReleasingSink b = new ReleasingSink();
    MergeStage merge =
        new MergeStage(
            mergeInput,
            new FrameSink[] {a, b},
            1_000,
            true,
            new DuplicateFilter(4096, 1_000),
            1024);
    byte[][] packets = new byte[STREAMS * 16][];
    for (int i = 0; i < packets.length; i++) {
      packets[i] =
          TestPackets.ipv4Gre(
              TestPackets.address(1, 1 + i % STREAMS),
              TestPackets.address(0, 2),
              TestPackets.erspanIII(
                  i / STREAMS, 7, 1_000_000L * i, 0, TestPackets.ethernetFrame(i, 64, 60)));
    }
    long[] now = {0};
    Runnable round =
        () -> {
          for (byte[] ip : packets) {
            Frame frame = handoff.take(ip.length);
            frame.buffer().setBytes(0, ip);
            frame.packetLength = ip.length;
            frame.origin = Frame.ORIGIN_RAW_IPV4;
            handoff.handOff(frame);
          }
          now[0] += 10_000;
          decode.doWork(now[0]);
          merge.doWork(now[0]);
        };
    for (int i = 0; i < ROUNDS; i++) {
      round.run(); // warm up: streams created, code compiled
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < ROUNDS; i++) {
      round.run();
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(a.delivered).isGreaterThan((long) ROUNDS * packets.length);
    assertThat(decode.counters().framesDecoded.get()).isEqualTo(2L * ROUNDS * packets.length);
    // A few hundred bytes of slack for the measurement itself; per frame it would be megabytes.
    assertThat(allocated)
        .as("bytes allocated over %d frames", ROUNDS * packets.length)
        .isLessThan(1_024);
  }
}
