package dev.tapwire.collector.sink.file;

import java.util.function.LongSupplier;

/**
 * Classic pcap output (nanosecond magic) for tools that do not read pcapng: Ethernet frames only
 * (others are dropped as {@code link_type_unsupported}), no interfaces, flags or statistics.
 */
public final class PcapFileSink extends CaptureFileSink {
  /** A sink writing with the system clock. */
  public PcapFileSink(FileSinkOptions options) {
    this(options, CaptureFileSink::systemEpochNs);
  }

  /**
   * @param epochClock epoch nanoseconds for file names (tests pass a fake)
   */
  public PcapFileSink(FileSinkOptions options, LongSupplier epochClock) {
    super(options, PcapEncoder::new, epochClock);
  }
}
