package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkWorker;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.runtime.work.SpscQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The file sink's stage: drains the queue in batches, routes each frame to its series (one merged
 * series, or one per tunnel source), releases it, and drives the time-based work of every series.
 * Runs on one thread; {@link #doWork} may also be called directly by tests with a fake clock.
 */
final class FileSinkWorker implements SinkWorker {
  static final int BATCH_FRAMES = 256;

  /** The per-descriptor cache is rebuilt when streams come and go this often. */
  private static final int MAX_CACHED_STREAMS = 4096;

  private final FileSinkOptions options;
  private final SpscQueue<Frame> queue;
  private final FileSinkCounters counters;
  private final Supplier<CaptureEncoder> encoders;
  private final LongSupplier epochClock;
  private final FileNamer namer;
  private final Map<String, FileSeries> bySource = new HashMap<>();
  private final IdentityHashMap<StreamDescriptor, FileSeries> byStream = new IdentityHashMap<>();
  private final List<FileSeries> series = new ArrayList<>();
  private final FileSeries merged;
  private final Consumer<Frame> handler = this::handle;
  private long nowNs;

  FileSinkWorker(
      FileSinkOptions options,
      SpscQueue<Frame> queue,
      FileSinkCounters counters,
      Supplier<CaptureEncoder> encoders,
      LongSupplier epochClock) {
    this.options = options;
    this.queue = queue;
    this.counters = counters;
    this.encoders = encoders;
    this.epochClock = epochClock;
    this.namer = new FileNamer(options.format());
    this.merged = options.perSourceFiles() ? null : newSeries(null);
  }

  @Override
  public String roleName() {
    return "collector-files";
  }

  @Override
  public int doWork(long nowNs) {
    this.nowNs = nowNs;
    int frames = queue.drain(handler, BATCH_FRAMES);
    for (int i = 0; i < series.size(); i++) {
      series.get(i).onTick(nowNs);
    }
    return frames;
  }

  /** Writes what is still queued, then closes every file. Worker thread (or after it stopped). */
  @Override
  public void onClose() {
    closeAt(System.nanoTime());
  }

  @Override
  public void closeAt(long nowNs) {
    this.nowNs = nowNs;
    while (queue.drain(handler, BATCH_FRAMES) > 0) {
      // every accepted frame is written or counted before the files close
    }
    for (FileSeries s : series) {
      s.close(nowNs);
    }
  }

  /** Series in creation order (tests). */
  List<FileSeries> series() {
    return series;
  }

  private void handle(Frame frame) {
    try {
      StreamDescriptor stream = frame.stream;
      if (stream == null) {
        counters.drop(FileSinkCounters.NO_STREAM, 1);
        return;
      }
      FileSeries target = merged != null ? merged : seriesOf(stream);
      if (target == null) {
        counters.drop(FileSinkCounters.TOO_MANY_SOURCES, 1);
        return;
      }
      target.write(frame, nowNs);
    } finally {
      frame.release();
    }
  }

  private FileSeries seriesOf(StreamDescriptor stream) {
    FileSeries cached = byStream.get(stream);
    if (cached != null) {
      return cached;
    }
    String label = FileNamer.sourceLabel(stream.source());
    FileSeries found = bySource.get(label);
    if (found == null) {
      if (bySource.size() >= options.maxSeries()) {
        return null;
      }
      found = newSeries(label);
      bySource.put(label, found);
    }
    if (byStream.size() >= MAX_CACHED_STREAMS) {
      byStream.clear();
    }
    byStream.put(stream, found);
    return found;
  }

  private FileSeries newSeries(String label) {
    FileSeries created =
        new FileSeries(label, options, namer, encoders.get(), counters, epochClock);
    created.repairPreviousRun();
    series.add(created);
    return created;
  }
}
