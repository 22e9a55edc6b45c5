package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.wire.pcap.CaptureRecord;

/**
 * One pcapng interface of the file being written: a stream (and link type), its interface id, and
 * what the file holds of it, split into what was written and what is only staged.
 */
final class FileInterface {
  final int id;
  final StreamDescriptor stream;
  final int linkType;

  /** The same stream's interface for another link type, if it ever had one. */
  FileInterface next;

  long framesWritten;
  long framesLostInNetwork;
  long framesDroppedBySink;
  long firstTimeNs = CaptureRecord.NO_TIMESTAMP;
  long lastTimeNs = CaptureRecord.NO_TIMESTAMP;

  long stagedFrames;
  long stagedLost;
  long stagedFirstTimeNs = CaptureRecord.NO_TIMESTAMP;
  long stagedLastTimeNs = CaptureRecord.NO_TIMESTAMP;

  FileInterface(int id, StreamDescriptor stream, int linkType) {
    this.id = id;
    this.stream = stream;
    this.linkType = linkType;
  }

  void stage(long captureTimeNs, long missingBefore) {
    if (stagedFrames == 0) {
      stagedFirstTimeNs = captureTimeNs;
    }
    stagedFrames++;
    stagedLost += missingBefore;
    stagedLastTimeNs = captureTimeNs;
  }

  void commit() {
    if (stagedFrames > 0) {
      if (framesWritten == 0) {
        firstTimeNs = stagedFirstTimeNs;
      }
      framesWritten += stagedFrames;
      lastTimeNs = stagedLastTimeNs;
    }
    framesLostInNetwork += stagedLost;
    clearStaged();
  }

  /** The staged frames were lost on the way to the file. */
  void rollback() {
    framesDroppedBySink += stagedFrames;
    framesLostInNetwork += stagedLost;
    clearStaged();
  }

  long frames() {
    return framesWritten + stagedFrames;
  }

  long lost() {
    return framesLostInNetwork + stagedLost;
  }

  long firstTime() {
    return framesWritten > 0 ? firstTimeNs : stagedFirstTimeNs;
  }

  long lastTime() {
    return stagedFrames > 0 ? stagedLastTimeNs : lastTimeNs;
  }

  private void clearStaged() {
    stagedFrames = 0;
    stagedLost = 0;
    stagedFirstTimeNs = CaptureRecord.NO_TIMESTAMP;
    stagedLastTimeNs = CaptureRecord.NO_TIMESTAMP;
  }
}
