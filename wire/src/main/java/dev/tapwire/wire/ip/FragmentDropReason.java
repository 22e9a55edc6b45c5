package dev.tapwire.wire.ip;

/**
 * Why {@link Ipv4Reassembler} dropped fragments. Each {@link #label()} is a stable metric label
 * value ({@code reason}).
 */
public enum FragmentDropReason {
  /** The fragment repeats bytes already buffered, identically; the datagram continues. */
  DUPLICATE("fragment_duplicate"),
  /**
   * The fragment conflicts with buffered ones (different bytes for the same offsets, or a different
   * end of datagram); the whole partial datagram is dropped (RFC 5722 spirit).
   */
  OVERLAP("fragment_overlap"),
  /** The datagram would exceed the configured maximum (or 65535 bytes); it is dropped. */
  TOO_LARGE("fragment_too_large"),
  /** A non-final fragment whose payload is not a multiple of 8 bytes; the fragment is dropped. */
  BAD_OFFSET("fragment_bad_offset"),
  /** The datagram already holds the maximum number of fragments; it is dropped. */
  TOO_MANY("fragment_too_many"),
  /** The table was full: the oldest partial datagram was evicted to make room. */
  TABLE_FULL("fragment_table_full"),
  /** The partial datagram was not completed within the timeout. */
  TIMEOUT("fragment_timeout"),
  /** Not a usable IPv4 fragment: truncated or malformed header, empty payload, not a fragment. */
  INVALID("fragment_invalid");

  private final String label;

  FragmentDropReason(String label) {
    this.label = label;
  }

  /** Stable lower_snake_case metric label. */
  public String label() {
    return label;
  }
}
