package dev.tapwire.cli.control;

import java.util.Locale;

/** Human-readable numbers for the tables. */
final class Units {
  private Units() {}

  /** 1234567 → "1.2M". */
  static String count(double value) {
    double v = Math.abs(value);
    if (v >= 1e9) {
      return format(value / 1e9) + "G";
    }
    if (v >= 1e6) {
      return format(value / 1e6) + "M";
    }
    if (v >= 1e4) {
      return format(value / 1e3) + "k";
    }
    if (value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Bits per second → "12.3 Mbit/s". */
  static String bitRate(double bitsPerSecond) {
    if (bitsPerSecond >= 1e9) {
      return format(bitsPerSecond / 1e9) + " Gbit/s";
    }
    if (bitsPerSecond >= 1e6) {
      return format(bitsPerSecond / 1e6) + " Mbit/s";
    }
    if (bitsPerSecond >= 1e3) {
      return format(bitsPerSecond / 1e3) + " kbit/s";
    }
    return format(bitsPerSecond) + " bit/s";
  }

  /** How long ago an epoch-ns instant was: "3s ago", "5m ago", "never". */
  static String ago(long thenNs, long nowNs) {
    if (thenNs == 0) {
      return "never";
    }
    long seconds = Math.max(0, (nowNs - thenNs) / 1_000_000_000L);
    if (seconds < 120) {
      return seconds + "s ago";
    }
    if (seconds < 7_200) {
      return seconds / 60 + "m ago";
    }
    return seconds / 3_600 + "h ago";
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
  }
}
