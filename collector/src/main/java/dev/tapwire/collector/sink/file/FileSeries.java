package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One series of capture files (all frames, or the frames of one tunnel source): the open file, its
 * staging buffer, rotation, ring retention and recovery from failed writes. Worker thread only.
 *
 * <p>Files are opened lazily, on the first frame after startup or after the previous file was
 * closed, so rotation never leaves empty files behind. After a failed write the series drops frames
 * ({@code disk_full} or {@code write_error}) until a retry succeeds; it then closes the old file
 * (with its statistics) and continues in a fresh one, so a gap in the data is always a file
 * boundary.
 */
final class FileSeries {
  private static final System.Logger LOG = System.getLogger(FileSeries.class.getName());

  /** Room above the flush threshold: the largest frame and its block overhead. */
  private static final int HEADROOM_BYTES = 68 * 1024;

  private static final int MAX_NAME_ATTEMPTS = 100;

  /** After a full disk, writing resumes once this many staging buffers fit. */
  static final int RESUME_FLUSHES = 4;

  private final String label;
  private final FileSinkOptions options;
  private final FileNamer namer;
  private final CaptureEncoder encoder;
  private final FileSinkCounters counters;
  private final LongSupplier epochClock;
  private final ByteBuffer stagingMemory;
  private final ByteBuf staging;
  private final ArrayDeque<Path> ring = new ArrayDeque<>();

  private CaptureFile file;
  private long fileOpenedAtNs;
  private long fileFrames;
  private int sequence;
  private int stagedFrames;
  private long stagedSinceNs;
  private String failure;
  private boolean failingCounted;
  private long retryAtNs;

  FileSeries(
      String label,
      FileSinkOptions options,
      FileNamer namer,
      CaptureEncoder encoder,
      FileSinkCounters counters,
      LongSupplier epochClock) {
    this.label = label;
    this.options = options;
    this.namer = namer;
    this.encoder = encoder;
    this.counters = counters;
    this.epochClock = epochClock;
    this.stagingMemory = ByteBuffer.allocateDirect(options.flushThresholdBytes() + HEADROOM_BYTES);
    this.staging = Unpooled.wrappedBuffer(stagingMemory).clear();
  }

  /** Cuts a torn last block left by an earlier run off this series' newest file. */
  void repairPreviousRun() {
    try {
      TornTailRepair.repairNewest(options.outputDirectory(), namer, label, options.format())
          .ifPresent(
              path -> {
                counters.fileRepaired();
                LOG.log(System.Logger.Level.WARNING, "cut a torn last block off {0}", path);
              });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot check the last file of the series", e);
    }
  }

  /** Stages {@code frame} (the caller keeps ownership) or counts why it was dropped. */
  void write(Frame frame, long nowNs) {
    if (failure != null) {
      dropUnstaged(frame, failure);
      return;
    }
    String unsupported = encoder.unsupportedReason(frame);
    if (unsupported != null) {
      counters.drop(unsupported, 1);
      return;
    }
    if (file != null && sizeLimitReached() && !closeFile(nowNs)) {
      dropUnstaged(frame, failure);
      return;
    }
    if (file == null && !openFile(nowNs)) {
      dropUnstaged(frame, failure);
      return;
    }
    if (staging.writableBytes() < encoder.encodedBytesBound(frame) && !flush(nowNs)) {
      dropUnstaged(frame, failure);
      return;
    }
    if (staging.writerIndex() == 0) {
      stagedSinceNs = nowNs;
    }
    encoder.encode(staging, frame);
    stagedFrames++;
    fileFrames++;
    if (staging.writerIndex() >= options.flushThresholdBytes()) {
      flush(nowNs);
    }
  }

  /** Time-driven work: retry after a failure, rotate by time, flush staged data that waited. */
  void onTick(long nowNs) {
    if (failure != null) {
      if (nowNs - retryAtNs >= 0) {
        recover(nowNs);
      }
      return;
    }
    if (file == null) {
      return;
    }
    if (options.rotateIntervalNs() > 0
        && nowNs - fileOpenedAtNs >= options.rotateIntervalNs()
        && fileFrames > 0) {
      closeFile(nowNs);
    } else if (staging.writerIndex() > 0 && nowNs - stagedSinceNs >= options.flushIntervalNs()) {
      flush(nowNs);
    }
  }

  /** Writes what is staged and closes the file with its statistics. */
  void close(long nowNs) {
    if (file == null) {
      return;
    }
    if (failure == null || file.stillLinked()) {
      failure = null;
      if (closeFile(nowNs)) {
        return;
      }
    }
    if (file != null) {
      abandonFile();
    }
  }

  /** The open file, or null. */
  Path currentFile() {
    return file == null ? null : file.path();
  }

  /** Why the series is not writing, or null while it is. */
  String failure() {
    return failure;
  }

  private boolean sizeLimitReached() {
    return options.rotateSizeBytes() > 0
        && fileFrames > 0
        && file.committedBytes() + staging.writerIndex() >= options.rotateSizeBytes();
  }

  private boolean openFile(long nowNs) {
    CaptureFile created = null;
    for (int attempt = 0; created == null; attempt++) {
      sequence++;
      Path path =
          options.outputDirectory().resolve(namer.name(label, epochClock.getAsLong(), sequence));
      try {
        created = CaptureFile.createNew(path);
      } catch (FileAlreadyExistsException e) {
        if (attempt + 1 >= MAX_NAME_ATTEMPTS) {
          fail(nowNs, FileSinkCounters.WRITE_ERROR, e);
          return false;
        }
      } catch (IOException e) {
        fail(nowNs, reasonOf(e), e);
        return false;
      }
    }
    file = created;
    fileOpenedAtNs = nowNs;
    fileFrames = 0;
    counters.fileOpened(file.path());
    ring.addLast(file.path());
    staging.clear();
    stagedFrames = 0;
    stagedSinceNs = nowNs;
    encoder.beginFile(staging);
    if (!flush(nowNs)) {
      return false;
    }
    enforceRing();
    return true;
  }

  /** Writes the staging buffer to the file; false (and the failure handled) if that failed. */
  private boolean flush(long nowNs) {
    int bytes = staging.writerIndex();
    if (bytes == 0) {
      return true;
    }
    stagingMemory.limit(bytes).position(0);
    try {
      file.append(stagingMemory);
    } catch (IOException e) {
      String reason = reasonOf(e);
      counters.drop(reason, stagedFrames);
      encoder.rollback();
      fileFrames -= stagedFrames;
      stagedFrames = 0;
      staging.clear();
      fail(nowNs, reason, e);
      return false;
    }
    counters.delivered(stagedFrames, bytes);
    encoder.commit();
    stagedFrames = 0;
    staging.clear();
    return true;
  }

  /** Stages the statistics blocks, writes everything and closes; false if a write failed. */
  private boolean closeFile(long nowNs) {
    int next = 0;
    while (next >= 0) {
      if (staging.writableBytes() < PcapngEncoder.ISB_MAX_BYTES && !flush(nowNs)) {
        return false;
      }
      next = encoder.encodeClosing(staging, next, epochClock.getAsLong());
    }
    if (!flush(nowNs)) {
      return false;
    }
    Path path = file.path();
    try {
      file.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "closing " + path, e);
    }
    file = null;
    counters.fileClosed(path);
    return true;
  }

  /** Closes the file without more writes; deletes it if nothing of it was written. */
  private void abandonFile() {
    Path path = file.path();
    long committed = file.committedBytes();
    try {
      file.close();
      if (committed == 0) {
        Files.deleteIfExists(path);
        ring.remove(path);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "abandoning " + path, e);
    }
    file = null;
    counters.fileClosed(path);
  }

  private void fail(long nowNs, String reason, IOException cause) {
    if (!failingCounted) {
      failingCounted = true;
      counters.seriesFailing(1);
      LOG.log(
          System.Logger.Level.WARNING,
          "capture files: "
              + reason
              + ", dropping frames and retrying every "
              + options.retryIntervalNs() / 1_000_000
              + " ms: "
              + cause.getMessage());
    }
    counters.writeFailed();
    failure = reason;
    retryAtNs = nowNs + options.retryIntervalNs();
    if (file != null && (file.broken() || file.committedBytes() == 0)) {
      abandonFile();
    }
  }

  /**
   * Finishes the file that failed, then opens a fresh one to find out if writing works again. After
   * a full disk, only once there is room for a few flushes: resuming at the first free kilobyte
   * would flap between writing and dropping and leave a trail of tiny files.
   */
  private void recover(long nowNs) {
    String previous = failure;
    if (FileSinkCounters.DISK_FULL.equals(previous) && !roomToResume()) {
      retryAtNs = nowNs + options.retryIntervalNs();
      return;
    }
    failure = null;
    if (file != null) {
      if (!file.stillLinked()) {
        abandonFile(); // an operator deleted it; closing returns its space
      } else if (!closeFile(nowNs)) {
        return;
      }
    }
    if (openFile(nowNs)) {
      failingCounted = false;
      counters.seriesFailing(-1);
      counters.recovered();
      LOG.log(
          System.Logger.Level.INFO,
          "capture files: writing again after " + previous + " in " + file.path());
    }
  }

  private boolean roomToResume() {
    try {
      long free = Files.getFileStore(options.outputDirectory()).getUsableSpace();
      if (file != null && !file.stillLinked()) {
        free += file.committedBytes(); // freed when the deleted file is closed
      }
      return free >= (long) RESUME_FLUSHES * stagingMemory.capacity();
    } catch (IOException e) {
      return true; // cannot tell: let the write attempt decide
    }
  }

  private void dropUnstaged(Frame frame, String reason) {
    counters.drop(reason, 1);
    encoder.countDropped(frame);
  }

  private void enforceRing() {
    while (options.ringFiles() > 0 && ring.size() > options.ringFiles()) {
      Path oldest = ring.pollFirst();
      try {
        if (Files.deleteIfExists(oldest)) {
          counters.fileDeleted();
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "ring retention: cannot delete " + oldest, e);
      }
    }
  }

  private static String reasonOf(IOException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("no space left") || message.contains("quota")
        ? FileSinkCounters.DISK_FULL
        : FileSinkCounters.WRITE_ERROR;
  }
}
