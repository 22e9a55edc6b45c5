package dev.tapwire.collector.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.sink.AllocationCounter;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Once warm, the file sink's stage allocates nothing per frame (writes included). */
class FileSinkZeroAllocationTest {
  @TempDir Path dir;

  @Test
  void writingFramesAllocatesNothing() {
    SinkTestFrames frames = new SinkTestFrames(512, 1);
    StreamDescriptor[] streams = {
      SinkTestFrames.stream(1, "198.18.1.1", 1),
      SinkTestFrames.stream(2, "198.18.1.2", 2),
      SinkTestFrames.stream(3, "198.18.1.3", 3)
    };
    byte[] bytes = SinkTestFrames.ethernet(300, 1);
    FakeClocks clocks = new FakeClocks("2026-11-27T16:45:02Z");
    try (FileSinkHarness h =
        new FileSinkHarness(
            FileSinkOptions.defaults(dir, FileFormat.PCAPNG).withQueueFrames(256),
            clocks,
            frames)) {
      AllocationCounter.offer(h.sink, frames, streams, bytes, 20_000, h::cycle);

      long before = AllocationCounter.allocatedBytes();
      AllocationCounter.offer(h.sink, frames, streams, bytes, 100_000, h::cycle);
      long allocated = AllocationCounter.allocatedBytes() - before;

      assertThat(h.sink.framesDelivered()).isGreaterThan(100_000);
      assertThat(allocated).isLessThan(AllocationCounter.NOISE_BYTES);
      h.finish();
    }
  }
}
