package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;

/** Lengths of a frame as capture files record them. */
final class FrameLengths {
  private FrameLengths() {}

  /** The length on the wire: the transport's original length for a truncated frame. */
  static int originalLength(Frame frame) {
    return frame.truncated && frame.originalLength > frame.innerLength
        ? frame.originalLength
        : frame.innerLength;
  }
}
