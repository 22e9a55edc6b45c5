package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.sink.QueuedSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Writes merged frames to capture files on its own thread, behind a bounded queue. The two formats
 * are {@link PcapngFileSink} (the default) and {@link PcapFileSink}.
 *
 * <p>Every frame accepted by {@link #offer} is released exactly once by the sink's thread (or by
 * {@link #close}), after it was staged for a file or counted as dropped with a reason.
 */
public abstract sealed class CaptureFileSink extends QueuedSink
    permits PcapngFileSink, PcapFileSink {
  private final FileSinkOptions options;
  private final FileSinkCounters counters = new FileSinkCounters();
  private final FileSinkWorker worker;

  CaptureFileSink(
      FileSinkOptions options, Supplier<CaptureEncoder> encoders, LongSupplier epochClock) {
    super("file", options.queueFrames());
    this.options = options;
    try {
      Files.createDirectories(options.outputDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "output-dir " + options.outputDirectory() + ": cannot create it: " + e.getMessage(), e);
    }
    if (!Files.isWritable(options.outputDirectory())) {
      throw new IllegalArgumentException(
          "output-dir " + options.outputDirectory() + " is not writable");
    }
    this.worker = new FileSinkWorker(options, queue(), counters, encoders, epochClock);
  }

  /** The wall clock used for file names and statistics times, in epoch nanoseconds. */
  static long systemEpochNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public long framesDelivered() {
    return counters.framesDelivered();
  }

  @Override
  public Map<String, Long> framesDroppedByReason() {
    return counters.framesDroppedByReason();
  }

  /** All counters: bytes written, files opened/closed/deleted, write failures, drops by reason. */
  public FileSinkCounters counters() {
    return counters;
  }

  /** The files open for writing now (one per active series). */
  public List<Path> currentFiles() {
    return counters.currentFiles();
  }

  public FileSinkOptions options() {
    return options;
  }

  /** The worker (tests drive it with a fake clock instead of a thread). */
  @Override
  protected FileSinkWorker worker() {
    return worker;
  }
}
