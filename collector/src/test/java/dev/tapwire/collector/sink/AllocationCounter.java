package dev.tapwire.collector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.stream.StreamDescriptor;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * Counts the bytes a thread allocates (no timing), for the sinks' zero-allocation tests: once warm,
 * handling a frame allocates nothing.
 */
public final class AllocationCounter {
  /** Well under one byte per frame over 100 000 frames: JVM noise only. */
  public static final long NOISE_BYTES = 64 * 1024;

  private AllocationCounter() {}

  public static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) {
      Assumptions.abort("no per-thread allocation counter on this JVM");
      return 0;
    }
    return threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
  }

  /** Offers {@code count} frames to {@code sink} round-robin over {@code streams}. */
  public static void offer(
      FrameSink sink,
      SinkTestFrames frames,
      StreamDescriptor[] streams,
      byte[] bytes,
      int count,
      Runnable cycle) {
    for (int i = 0; i < count; i++) {
      Frame frame = frames.frame(streams[i % streams.length], bytes, i);
      if (!sink.offer(frame)) {
        cycle.run();
        assertThat(sink.offer(frame)).isTrue();
      }
      if ((i & 63) == 63) {
        cycle.run();
      }
    }
    cycle.run();
  }
}
