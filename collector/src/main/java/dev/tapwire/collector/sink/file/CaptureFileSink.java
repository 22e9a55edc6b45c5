package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.runtime.work.BackoffIdleStrategy;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.runtime.work.WorkerThread;
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
public abstract sealed class CaptureFileSink implements FrameSink
    permits PcapngFileSink, PcapFileSink {
  private final FileSinkOptions options;
  private final SpscQueue<Frame> queue;
  private final FileSinkCounters counters = new FileSinkCounters();
  private final FileSinkWorker worker;
  private WorkerThread thread;
  private volatile boolean closed;

  CaptureFileSink(
      FileSinkOptions options, Supplier<CaptureEncoder> encoders, LongSupplier epochClock) {
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
    this.queue = new SpscQueue<>(options.queueFrames());
    this.worker = new FileSinkWorker(options, queue, counters, encoders, epochClock);
  }

  /** The wall clock used for file names and statistics times, in epoch nanoseconds. */
  static long systemEpochNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public String name() {
    return "file";
  }

  @Override
  public synchronized void start() {
    if (thread != null || closed) {
      throw new IllegalStateException("file sink already started or closed");
    }
    thread = new WorkerThread(worker, BackoffIdleStrategy.forDataPath(), System::nanoTime);
    thread.startThread();
  }

  @Override
  public boolean offer(Frame frame) {
    return !closed && queue.offer(frame);
  }

  @Override
  public long framesDelivered() {
    return counters.framesDelivered();
  }

  @Override
  public Map<String, Long> framesDroppedByReason() {
    return counters.framesDroppedByReason();
  }

  @Override
  public int queuedFrames() {
    return queue.size();
  }

  @Override
  public boolean healthy() {
    WorkerThread t = thread;
    return t == null ? !closed : t.healthy() || (closed && t.failure() == null);
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

  /** The failure that stopped the sink's thread, or null. */
  public Throwable failure() {
    WorkerThread t = thread;
    return t == null ? null : t.failure();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (thread != null) {
      thread.close(); // the worker drains the queue and closes its files on its own thread
    } else {
      worker.closeAt(System.nanoTime());
    }
  }

  /** The worker, for tests that drive it with a fake clock instead of a thread. */
  FileSinkWorker worker() {
    return worker;
  }
}
