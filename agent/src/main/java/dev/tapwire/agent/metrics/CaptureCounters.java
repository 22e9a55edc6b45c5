package dev.tapwire.agent.metrics;

import dev.tapwire.runtime.metrics.SingleWriterCounter;

/** What one interface's capture thread counts; written by that thread only. */
public final class CaptureCounters {
  /** Frames libpcap handed over (after the BPF filter). */
  public final SingleWriterCounter captured = new SingleWriterCounter();

  /** Bytes of those frames as captured. */
  public final SingleWriterCounter capturedBytes = new SingleWriterCounter();

  /** Times a policy change replaced the capture handle. */
  public final SingleWriterCounter reopens = new SingleWriterCounter();

  /** Dropped by 1-in-N sampling. */
  public final SingleWriterCounter sampledOut = new SingleWriterCounter();

  /** Dropped because the hand-off to the sender was full. */
  public final SingleWriterCounter queueFull = new SingleWriterCounter();

  /** libpcap {@code ps_drop}: dropped by the kernel because the capture buffer was full. */
  public final SingleWriterCounter kernelDrops = new SingleWriterCounter();

  /** libpcap {@code ps_ifdrop}: dropped by the interface or its driver. */
  public final SingleWriterCounter interfaceDrops = new SingleWriterCounter();

  private final String interfaceName;

  public CaptureCounters(String interfaceName) {
    this.interfaceName = interfaceName;
  }

  public String interfaceName() {
    return interfaceName;
  }
}
