package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.config.CollectorConfig;

/** Builds the file sink the configuration asks for. */
public final class FileSinks {
  private FileSinks() {}

  /** A {@link PcapngFileSink} or {@link PcapFileSink} per {@code config.fileFormat()}. */
  public static CaptureFileSink create(CollectorConfig config) {
    return create(FileSinkOptions.from(config));
  }

  public static CaptureFileSink create(FileSinkOptions options) {
    return options.format() == FileFormat.PCAPNG
        ? new PcapngFileSink(options)
        : new PcapFileSink(options);
  }
}
