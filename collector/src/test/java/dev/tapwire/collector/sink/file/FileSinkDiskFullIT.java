package dev.tapwire.collector.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.CaptureFileContents;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.Tshark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (a 2 MiB tmpfs): frames beyond the space are dropped and counted {@code disk_full},
 * the sink keeps running and the files it wrote stay readable; once files are deleted, writing
 * resumes in a fresh file.
 */
class FileSinkDiskFullIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long T0 = 1_795_000_000_000_000_000L;

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void framesBeyondTheSpaceAreCountedAndWritingResumesWhenSpaceReturns() throws IOException {
    SinkTestFrames frames = new SinkTestFrames(2048, 1);
    StreamDescriptor stream = SinkTestFrames.stream(1, "198.18.1.1", 101);
    Path mountPoint = Files.createDirectory(dir.resolve("full"));
    try (TmpfsMount tmpfs = TmpfsMount.mount(mountPoint, "2m")) {
      FileSinkOptions options =
          FileSinkOptions.defaults(tmpfs.path(), FileFormat.PCAPNG)
              .withRotation(256 * 1024, 0, 0)
              .withFlushing(
                  64 * 1024, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(200));
      PcapngFileSink sink = new PcapngFileSink(options);
      sink.start();
      try {
        // About 3 MB into 2 MiB.
        long offered = offer(sink, frames, stream, 0, 3000);
        Poll.until(
            TIMEOUT,
            "every frame written or counted",
            () -> sink.queuedFrames() == 0 && accounted(sink) == offered,
            () -> sink.framesDelivered() + " delivered, " + sink.framesDroppedByReason());
        long diskFull = sink.framesDroppedByReason().get(FileSinkCounters.DISK_FULL);
        assertThat(diskFull).isPositive();
        assertThat(sink.framesDelivered()).isPositive();
        assertThat(sink.healthy()).isTrue();
        assertThat(sink.counters().failingSeries()).isEqualTo(1);
        assertThat(sink.counters().writeFailures()).isPositive();

        // Every file is readable to its end and together they hold exactly what was delivered.
        long packets = 0;
        List<Path> written = files(tmpfs.path());
        assertThat(written).hasSizeGreaterThan(1);
        for (Path file : written) {
          CaptureFileContents contents = CaptureFileContents.read(file);
          assertThat(contents.end()).as("%s", file).isEqualTo("end_of_input");
          packets += contents.packets().size();
        }
        // tshark on the first (closed, with statistics) and the last (cut back after the failure).
        for (Path file : List.of(written.getFirst(), written.getLast())) {
          assertThat(Tshark.field(file, "frame.number"))
              .hasSize(CaptureFileContents.read(file).packets().size());
        }
        assertThat(packets).isEqualTo(sink.framesDelivered());

        // Space returns: delete every file, the open one included.
        for (Path file : files(tmpfs.path())) {
          Files.delete(file);
        }
        Poll.until(
            TIMEOUT,
            "the sink to resume writing",
            () -> sink.counters().failingSeries() == 0,
            () -> "recoveries " + sink.counters().recoveries());
        long deliveredBefore = sink.framesDelivered();
        long more = offer(sink, frames, stream, 1_000_000, 100);
        Poll.until(
            TIMEOUT,
            "the new frames to be written",
            () -> sink.framesDelivered() == deliveredBefore + more,
            () -> sink.framesDelivered() + " delivered, " + sink.framesDroppedByReason());
        assertThat(sink.framesDroppedByReason().get(FileSinkCounters.DISK_FULL))
            .isEqualTo(diskFull);
        assertThat(sink.healthy()).isTrue();
      } finally {
        sink.close();
      }
      assertThat(frames.framesInFlight()).as("every frame released").isZero();
      List<Path> fresh = files(tmpfs.path());
      System.err.println(
          "DEBUG files "
              + fresh
              + " opened "
              + sink.counters().filesOpened()
              + " closed "
              + sink.counters().filesClosed()
              + " recoveries "
              + sink.counters().recoveries()
              + " delivered "
              + sink.framesDelivered()
              + " "
              + sink.framesDroppedByReason());
      assertThat(fresh).hasSize(1);
      List<CaptureFileContents.Packet> packets =
          CaptureFileContents.read(fresh.getFirst()).packets();
      assertThat(packets).hasSize(100);
      assertThat(SinkTestFrames.sequenceOf(packets.getFirst().data())).isEqualTo(1_000_000);
      assertThat(Tshark.field(fresh.getFirst(), "frame.number")).hasSize(100);
    }
  }

  private static long accounted(CaptureFileSink sink) {
    return sink.framesDelivered()
        + sink.framesDroppedByReason().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Offers {@code count} frames of 1000 bytes, waiting when the queue is full. */
  private static long offer(
      CaptureFileSink sink, SinkTestFrames frames, StreamDescriptor stream, int first, int count) {
    for (int i = 0; i < count; i++) {
      Poll.until(TIMEOUT, "a free frame", () -> frames.framesInFlight() < 1500);
      Frame frame = frames.frame(stream, SinkTestFrames.ethernet(1000, first + i), T0 + first + i);
      Poll.until(TIMEOUT, "room in the sink's queue", () -> sink.offer(frame));
    }
    return count;
  }

  private static List<Path> files(Path directory) throws IOException {
    try (Stream<Path> s = Files.list(directory)) {
      return s.sorted().toList();
    }
  }
}
