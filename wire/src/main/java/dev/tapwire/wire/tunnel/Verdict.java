package dev.tapwire.wire.tunnel;

import java.util.Locale;

/** The outcome of classifying one packet. */
public enum Verdict {
  /** A mirrored inner frame was found: deliver {@code innerOffset}/{@code innerLength}. */
  FRAME,
  /**
   * Valid traffic that is not mirror traffic (not IP, another IP protocol or UDP port, GRE carrying
   * routed IP, keepalives, WCCP or PPTP): skip it, count it by {@link DecodeReason}.
   */
  NOT_TUNNEL,
  /** Malformed or unsupported: drop it, count it by {@link DecodeReason}. */
  INVALID,
  /**
   * An outer IPv4 fragment of a GRE or UDP datagram: hand it to a reassembler and classify the
   * reassembled datagram with {@code classifyIp}.
   */
  FRAGMENT;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** Stable lower_snake_case name. */
  public String label() {
    return label;
  }
}
