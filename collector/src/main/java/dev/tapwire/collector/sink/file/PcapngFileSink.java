package dev.tapwire.collector.sink.file;

import java.util.function.LongSupplier;

/**
 * The default file sink: pcapng with one interface per stream, nanosecond timestamps, direction
 * flags, network loss as {@code epb_dropcount}, and statistics blocks when a file is closed.
 */
public final class PcapngFileSink extends CaptureFileSink {
  static final String USER_APPLICATION = "Tapwire collector";

  /** A sink writing with the system clock. */
  public PcapngFileSink(FileSinkOptions options) {
    this(options, CaptureFileSink::systemEpochNs);
  }

  /**
   * @param epochClock epoch nanoseconds for file names and statistics times (tests pass a fake)
   */
  public PcapngFileSink(FileSinkOptions options, LongSupplier epochClock) {
    super(options, () -> new PcapngEncoder(osName(), USER_APPLICATION), epochClock);
  }

  private static String osName() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version");
  }
}
