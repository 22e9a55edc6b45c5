package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.config.CollectorConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a file sink needs to know.
 *
 * @param outputDirectory where files go (created if missing)
 * @param format pcapng or pcap
 * @param rotateSizeBytes start a new file once the current one reaches this size ({@code -C}); 0
 *     disables
 * @param rotateIntervalNs close a file this long after it was opened ({@code -G}); 0 disables
 * @param ringFiles keep at most this many files per series, deleting the oldest this sink wrote
 *     ({@code -W}); 0 keeps all
 * @param perSourceFiles one series per tunnel source address instead of one merged series
 * @param queueFrames bound of the queue in front of the sink
 * @param flushThresholdBytes write the staging buffer once it holds this much
 * @param flushIntervalNs write staged data at the latest this long after it was staged
 * @param retryIntervalNs after a failed write (disk full), try again this often
 * @param maxSeries bound of concurrently open series (per-source files)
 */
public record FileSinkOptions(
    Path outputDirectory,
    FileFormat format,
    long rotateSizeBytes,
    long rotateIntervalNs,
    int ringFiles,
    boolean perSourceFiles,
    int queueFrames,
    int flushThresholdBytes,
    long flushIntervalNs,
    long retryIntervalNs,
    int maxSeries) {

  public static final int DEFAULT_FLUSH_THRESHOLD_BYTES = 1 << 20;
  public static final long DEFAULT_FLUSH_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
  public static final long DEFAULT_RETRY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
  public static final int DEFAULT_MAX_SERIES = 64;

  /** Smaller staging buffers per series when there is one series per source. */
  public static final int PER_SOURCE_FLUSH_THRESHOLD_BYTES = 256 << 10;

  public FileSinkOptions {
    if (outputDirectory == null || format == null) {
      throw new IllegalArgumentException("outputDirectory and format are required");
    }
    if (rotateSizeBytes < 0 || rotateIntervalNs < 0 || ringFiles < 0) {
      throw new IllegalArgumentException("rotation settings must be >= 0");
    }
    if (queueFrames < 1 || flushThresholdBytes < 4096 || flushIntervalNs < 1) {
      throw new IllegalArgumentException(
          "queueFrames >= 1, flushThresholdBytes >= 4096 and flushIntervalNs >= 1 required");
    }
    if (retryIntervalNs < 1 || maxSeries < 1) {
      throw new IllegalArgumentException("retryIntervalNs and maxSeries must be >= 1");
    }
  }

  /** Defaults for {@code directory}: no rotation, one merged series, 1 MiB / 100 ms flushes. */
  public static FileSinkOptions defaults(Path directory, FileFormat format) {
    return new FileSinkOptions(
        directory,
        format,
        0,
        0,
        0,
        false,
        8192,
        DEFAULT_FLUSH_THRESHOLD_BYTES,
        DEFAULT_FLUSH_INTERVAL_NS,
        DEFAULT_RETRY_INTERVAL_NS,
        DEFAULT_MAX_SERIES);
  }

  /** The options the collector's configuration asks for. */
  public static FileSinkOptions from(CollectorConfig config) {
    boolean perSource = config.perSourceFiles();
    return new FileSinkOptions(
        config.outputDirectory(),
        FileFormat.parse(config.fileFormat()),
        config.rotateSizeBytes(),
        config.rotateIntervalNs(),
        config.ringFiles(),
        perSource,
        config.sinkQueueFrames(),
        perSource ? PER_SOURCE_FLUSH_THRESHOLD_BYTES : DEFAULT_FLUSH_THRESHOLD_BYTES,
        DEFAULT_FLUSH_INTERVAL_NS,
        DEFAULT_RETRY_INTERVAL_NS,
        DEFAULT_MAX_SERIES);
  }

  public FileSinkOptions withRotation(long sizeBytes, long intervalNs, int ring) {
    return new FileSinkOptions(
        outputDirectory,
        format,
        sizeBytes,
        intervalNs,
        ring,
        perSourceFiles,
        queueFrames,
        flushThresholdBytes,
        flushIntervalNs,
        retryIntervalNs,
        maxSeries);
  }

  public FileSinkOptions withPerSourceFiles(boolean perSource) {
    return new FileSinkOptions(
        outputDirectory,
        format,
        rotateSizeBytes,
        rotateIntervalNs,
        ringFiles,
        perSource,
        queueFrames,
        flushThresholdBytes,
        flushIntervalNs,
        retryIntervalNs,
        maxSeries);
  }

  public FileSinkOptions withFlushing(int thresholdBytes, long intervalNs, long retryNs) {
    return new FileSinkOptions(
        outputDirectory,
        format,
        rotateSizeBytes,
        rotateIntervalNs,
        ringFiles,
        perSourceFiles,
        queueFrames,
        thresholdBytes,
        intervalNs,
        retryNs,
        maxSeries);
  }

  public FileSinkOptions withQueueFrames(int frames) {
    return new FileSinkOptions(
        outputDirectory,
        format,
        rotateSizeBytes,
        rotateIntervalNs,
        ringFiles,
        perSourceFiles,
        frames,
        flushThresholdBytes,
        flushIntervalNs,
        retryIntervalNs,
        maxSeries);
  }
}
