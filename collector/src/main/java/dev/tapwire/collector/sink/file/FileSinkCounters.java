package dev.tapwire.collector.sink.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every counter of a file sink, declared once. The sink's worker thread is the only writer (plain
 * increments of volatile fields); the metrics scrape reads them from any thread.
 */
public final class FileSinkCounters {
  /** A write failed for lack of space (ENOSPC, EDQUOT); the frames staged for it were lost. */
  public static final String DISK_FULL = "disk_full";

  /** A write failed for another reason (EIO, permissions, ...). */
  public static final String WRITE_ERROR = "write_error";

  /** pcap output holds Ethernet frames only. */
  public static final String LINK_TYPE_UNSUPPORTED = "link_type_unsupported";

  /** More tunnel sources than the bound of per-source file series. */
  public static final String TOO_MANY_SOURCES = "too_many_sources";

  /** A frame without a stream descriptor (a bug upstream). */
  public static final String NO_STREAM = "no_stream";

  private static final List<String> REASONS =
      List.of(DISK_FULL, WRITE_ERROR, LINK_TYPE_UNSUPPORTED, TOO_MANY_SOURCES, NO_STREAM);

  private volatile long framesDelivered;
  private volatile long bytesWritten;
  private volatile long filesOpened;
  private volatile long filesClosed;
  private volatile long filesDeleted;
  private volatile long filesRepaired;
  private volatile long writeFailures;
  private volatile long recoveries;
  private volatile long droppedDiskFull;
  private volatile long droppedWriteError;
  private volatile long droppedLinkType;
  private volatile long droppedTooManySources;
  private volatile long droppedNoStream;
  private volatile int failingSeries;
  private volatile List<Path> currentFiles = List.of();
  private final List<Path> openFiles = new ArrayList<>();

  /** Frames whose blocks reached a file. */
  public long framesDelivered() {
    return framesDelivered;
  }

  /** Bytes written to files (all blocks: headers, packets, statistics). */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Files created. */
  public long filesOpened() {
    return filesOpened;
  }

  /** Files closed (finished with statistics, or abandoned after a failure). */
  public long filesClosed() {
    return filesClosed;
  }

  /** Files deleted by ring retention ({@code -W}). */
  public long filesDeleted() {
    return filesDeleted;
  }

  /** Files of an earlier run whose torn last block was cut off at startup. */
  public long filesRepaired() {
    return filesRepaired;
  }

  /** Failed writes (each may drop many staged frames). */
  public long writeFailures() {
    return writeFailures;
  }

  /** Times writing resumed after failures. */
  public long recoveries() {
    return recoveries;
  }

  /** Series currently not writing because of a failed write (waiting to retry). */
  public int failingSeries() {
    return failingSeries;
  }

  /** The files open for writing now. */
  public List<Path> currentFiles() {
    return currentFiles;
  }

  /** Frames accepted and then dropped, by reason (every reason listed, zeros included). */
  public Map<String, Long> framesDroppedByReason() {
    Map<String, Long> result = new LinkedHashMap<>();
    for (String reason : REASONS) {
      result.put(reason, dropped(reason));
    }
    return result;
  }

  /** Frames dropped for {@code reason}. */
  public long dropped(String reason) {
    return switch (reason) {
      case DISK_FULL -> droppedDiskFull;
      case WRITE_ERROR -> droppedWriteError;
      case LINK_TYPE_UNSUPPORTED -> droppedLinkType;
      case TOO_MANY_SOURCES -> droppedTooManySources;
      case NO_STREAM -> droppedNoStream;
      default -> 0;
    };
  }

  void delivered(long frames, long bytes) {
    framesDelivered = framesDelivered + frames;
    bytesWritten = bytesWritten + bytes;
  }

  void wroteBytes(long bytes) {
    bytesWritten = bytesWritten + bytes;
  }

  void drop(String reason, long frames) {
    switch (reason) {
      case DISK_FULL -> droppedDiskFull = droppedDiskFull + frames;
      case WRITE_ERROR -> droppedWriteError = droppedWriteError + frames;
      case LINK_TYPE_UNSUPPORTED -> droppedLinkType = droppedLinkType + frames;
      case TOO_MANY_SOURCES -> droppedTooManySources = droppedTooManySources + frames;
      case NO_STREAM -> droppedNoStream = droppedNoStream + frames;
      default -> throw new IllegalArgumentException("undeclared drop reason " + reason);
    }
  }

  void fileOpened(Path path) {
    filesOpened = filesOpened + 1;
    openFiles.add(path);
    currentFiles = List.copyOf(openFiles);
  }

  void fileClosed(Path path) {
    filesClosed = filesClosed + 1;
    openFiles.remove(path);
    currentFiles = List.copyOf(openFiles);
  }

  void fileDeleted() {
    filesDeleted = filesDeleted + 1;
  }

  void fileRepaired() {
    filesRepaired = filesRepaired + 1;
  }

  void writeFailed() {
    writeFailures = writeFailures + 1;
  }

  void seriesFailing(int delta) {
    failingSeries = failingSeries + delta;
  }

  void recovered() {
    recoveries = recoveries + 1;
  }
}
