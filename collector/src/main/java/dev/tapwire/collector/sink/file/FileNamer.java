package dev.tapwire.collector.sink.file;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of capture files, chosen so that {@code ls} lists a series in time order: {@code
 * tapwire-20261127T164502.123456Z-00001.pcapng}, or with a source label {@code
 * tapwire-198.18.1.1-20261127T164502.123456Z-00001.pcapng}. The time (UTC, microseconds, fixed
 * width) is when the file was opened; the sequence number counts the files of the series opened by
 * this process and breaks ties.
 */
final class FileNamer {
  static final String PREFIX = "tapwire";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern NAME =
      Pattern.compile(
          "^"
              + PREFIX
              + "-(?:([0-9A-Za-z._]+)-)?(\\d{8}T\\d{6}\\.\\d{6}Z)-(\\d{5,})\\.(pcapng|pcap)$");

  private final FileFormat format;

  FileNamer(FileFormat format) {
    this.format = format;
  }

  /**
   * The name of a file of series {@code sourceLabel} (null for the merged series) opened at {@code
   * epochNs}, the {@code sequence}-th of the series.
   */
  String name(String sourceLabel, long epochNs, int sequence) {
    Instant time =
        Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L))
            .plusNanos(Math.floorMod(epochNs, 1_000_000_000L));
    StringBuilder name = new StringBuilder(64).append(PREFIX).append('-');
    if (sourceLabel != null) {
      name.append(sourceLabel).append('-');
    }
    name.append(TIME.format(time)).append('-');
    String seq = Integer.toString(sequence);
    for (int i = seq.length(); i < 5; i++) {
      name.append('0');
    }
    return name.append(seq).append('.').append(format.extension()).toString();
  }

  /** Whether {@code fileName} is a file of series {@code sourceLabel} in this format. */
  boolean isSeriesFile(String fileName, String sourceLabel) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches() || !m.group(4).equals(format.extension())) {
      return false;
    }
    String label = m.group(1);
    return sourceLabel == null ? label == null : sourceLabel.equals(label);
  }

  /**
   * A file-name-safe label for a tunnel source: letters, digits and dots kept, anything else (IPv6
   * colons, for instance) becomes {@code _}.
   */
  static String sourceLabel(String source) {
    if (source == null || source.isEmpty()) {
      return "unknown";
    }
    StringBuilder label = new StringBuilder(source.length());
    for (int i = 0; i < source.length() && i < 64; i++) {
      char c = source.charAt(i);
      boolean safe =
          (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.';
      label.append(safe ? c : '_');
    }
    return label.toString();
  }
}
