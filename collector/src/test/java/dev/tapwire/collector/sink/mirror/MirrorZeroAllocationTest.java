package dev.tapwire.collector.sink.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.sink.AllocationCounter;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Once warm, policing and batching a frame allocates nothing. */
class MirrorZeroAllocationTest {
  /** Copies frames into one native slot and "sends" them: the worker's cost without a NIC. */
  private static final class DiscardingTransmitter implements FrameTransmitter {
    private final MemorySegment slot = Arena.ofAuto().allocate(2048);
    private int pending;

    @Override
    public String method() {
      return "discard";
    }

    @Override
    public int batchCapacity() {
      return 64;
    }

    @Override
    public int maxFrameBytes() {
      return 2048;
    }

    @Override
    public int pending() {
      return pending;
    }

    @Override
    public void add(MemorySegment memory, long offset, int length) {
      MemorySegment.copy(memory, offset, slot, 0, length);
      pending++;
    }

    @Override
    public int send() {
      int sent = pending;
      pending = 0;
      return sent;
    }

    @Override
    public int lastFailed() {
      return 0;
    }

    @Override
    public int failedIndex(int k) {
      throw new IndexOutOfBoundsException(k);
    }

    @Override
    public String failedReason(int k) {
      throw new IndexOutOfBoundsException(k);
    }

    @Override
    public void close() {}
  }

  @Test
  void policingAndSendingAllocatesNothing() {
    SinkTestFrames frames = new SinkTestFrames(512, 1);
    StreamDescriptor[] streams = {
      SinkTestFrames.stream(1, "198.18.1.1", 1), SinkTestFrames.stream(2, "198.18.1.2", 2)
    };
    FairSharePolicer policer =
        new FairSharePolicer(
            100_000_000, TimeUnit.MILLISECONDS.toNanos(2), 16, TimeUnit.MINUTES.toNanos(1));
    MirrorNicSink sink =
        new MirrorNicSink("test0", new DiscardingTransmitter(), policer, 256, 1500);
    byte[] bytes = SinkTestFrames.ethernet(500, 1);
    long[] now = {0};
    Runnable cycle =
        () -> {
          while (sink.worker().doWork(now[0]) > 0) {
            now[0] += 10_000;
          }
        };
    AllocationCounter.offer(sink, frames, streams, bytes, 20_000, cycle);

    long before = AllocationCounter.allocatedBytes();
    AllocationCounter.offer(sink, frames, streams, bytes, 100_000, cycle);
    long allocated = AllocationCounter.allocatedBytes() - before;

    long dropped = sink.framesDroppedByReason().get(MirrorSinkCounters.OVERSUBSCRIBED);
    assertThat(sink.framesDelivered()).isPositive();
    assertThat(dropped).isPositive(); // both paths exercised
    assertThat(sink.framesDelivered() + dropped).isEqualTo(120_000);
    assertThat(allocated).isLessThan(AllocationCounter.NOISE_BYTES);
    sink.close();
  }
}
