package dev.tapwire.agent.capture;

import java.lang.foreign.MemorySegment;

/** Takes each captured frame, on the capture thread, while its bytes are valid. */
@FunctionalInterface
public interface FrameReceiver {
  /**
   * @param memory holds the frame at {@code [offset, offset + capturedLength)}, valid only during
   *     the call
   * @param capturedLength bytes captured (at most the snap length)
   * @param originalLength the frame's length on the wire
   * @param captureTimeNs capture time, nanoseconds since the Unix epoch
   */
  void onFrame(
      MemorySegment memory,
      long offset,
      int capturedLength,
      int originalLength,
      long captureTimeNs);
}
