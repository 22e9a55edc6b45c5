package dev.tapwire.collector.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkTestFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A file sink driven by hand with fake clocks: offer frames, run cycles, close. */
final class FileSinkHarness implements AutoCloseable {
  final FakeClocks clocks;
  final SinkTestFrames frames;
  final CaptureFileSink sink;

  FileSinkHarness(FileSinkOptions options, FakeClocks clocks, SinkTestFrames frames) {
    this.clocks = clocks;
    this.frames = frames;
    this.sink =
        options.format() == FileFormat.PCAPNG
            ? new PcapngFileSink(options, clocks::epochNs)
            : new PcapFileSink(options, clocks::epochNs);
  }

  /** Offers {@code frame} and runs the worker until the queue is empty. */
  void write(Frame frame) {
    assertThat(sink.offer(frame)).as("queue accepts the frame").isTrue();
    cycle();
  }

  void cycle() {
    while (sink.worker().doWork(clocks.nowNs) > 0) {
      // drain
    }
  }

  /** Closes the sink: remaining frames written, statistics blocks, files closed. */
  void finish() {
    sink.close();
  }

  @Override
  public void close() {
    sink.close();
  }

  static List<Path> filesIn(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
