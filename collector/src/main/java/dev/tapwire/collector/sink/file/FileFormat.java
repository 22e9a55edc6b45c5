package dev.tapwire.collector.sink.file;

import java.util.Locale;

/** The two capture file formats the file sink writes. */
public enum FileFormat {
  /** pcapng: one interface per stream, direction flags, drop counts, statistics blocks. */
  PCAPNG("pcapng"),
  /** Classic nanosecond pcap: Ethernet frames only. */
  PCAP("pcap");

  private final String extension;

  FileFormat(String extension) {
    this.extension = extension;
  }

  /** File name extension, without the dot. */
  public String extension() {
    return extension;
  }

  /** {@code pcapng} or {@code pcap} (any case). */
  public static FileFormat parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "pcapng" -> PCAPNG;
      case "pcap" -> PCAP;
      default ->
          throw new IllegalArgumentException(
              "file format must be pcapng or pcap, got '" + text + "'");
    };
  }
}
