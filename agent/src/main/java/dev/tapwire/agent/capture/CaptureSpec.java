package dev.tapwire.agent.capture;

import dev.tapwire.agent.config.CaptureDirection;

/**
 * How to open one interface.
 *
 * @param interfaceName the interface
 * @param snapLenBytes bytes kept of each frame; libpcap also sizes its ring slots from it
 * @param promiscuous capture frames not addressed to this host
 * @param immediateMode deliver each frame at once (TPACKET_V2) rather than in blocks (TPACKET_V3)
 * @param bufferBytes kernel capture buffer
 * @param timeoutMs how long one read waits for frames
 * @param filter complete BPF expression, empty for all frames
 * @param direction received, sent or both
 * @param path how frames are read from the handle
 */
public record CaptureSpec(
    String interfaceName,
    int snapLenBytes,
    boolean promiscuous,
    boolean immediateMode,
    int bufferBytes,
    int timeoutMs,
    String filter,
    CaptureDirection direction,
    CapturePath path) {
  /** The same spec with another filter. */
  public CaptureSpec withFilter(String expression) {
    return new CaptureSpec(
        interfaceName,
        snapLenBytes,
        promiscuous,
        immediateMode,
        bufferBytes,
        timeoutMs,
        expression,
        direction,
        path);
  }
}
