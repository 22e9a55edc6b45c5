package dev.tapwire.wire.pcap;

import java.util.Locale;

/**
 * Outcome of one {@link CaptureReader} call. Error constants are reasons: their {@link #label()} is
 * a stable lower_snake_case string meant for a metric label ({@code ..._invalid_total{reason}}).
 *
 * <p>A <em>fatal</em> error means the reader lost the framing of the file (it cannot find the next
 * record), so it stops and repeats the error. A non-fatal error concerns one pcapng block whose
 * framing was sound: the block is consumed and the caller may call {@code next} again.
 */
public enum CaptureReadResult {
  /** A packet was read into the {@link CaptureRecord}. */
  RECORD(Kind.OK),
  /** A pcapng Interface Statistics Block was read; see the pcapng reader's statistics holder. */
  INTERFACE_STATISTICS(Kind.OK),
  /** The buffer ends inside a header, record or block: append bytes and call again. */
  NEED_MORE_DATA(Kind.OK),
  /** {@code finish}: the input ended cleanly at a record or block boundary. */
  END_OF_INPUT(Kind.OK),

  /** {@code finish}: the input ended inside the file header (or the first pcapng block). */
  TRUNCATED_FILE_HEADER(Kind.FATAL),
  /** {@code finish}: the input ended inside a pcap record. */
  TRUNCATED_RECORD(Kind.FATAL),
  /** {@code finish}: the input ended inside a pcapng block. */
  TRUNCATED_BLOCK(Kind.FATAL),
  /** Not a pcap magic number, not a pcapng SHB type, or an unknown pcapng byte-order magic. */
  BAD_MAGIC(Kind.FATAL),
  /** A pcap major version other than 2, or a pcapng version other than 1.0 (or 1.2). */
  UNSUPPORTED_VERSION(Kind.FATAL),
  /** pcap captured length above the snap length limit or above the reader's hard limit. */
  IMPOSSIBLE_RECORD_LENGTH(Kind.FATAL),
  /** pcapng Block Total Length is not a multiple of 4. */
  BLOCK_LENGTH_NOT_MULTIPLE_OF_4(Kind.FATAL),
  /** pcapng Block Total Length below the minimum (12, or 28 for an SHB). */
  BLOCK_LENGTH_TOO_SMALL(Kind.FATAL),
  /** pcapng Block Total Length above the reader's limit. */
  BLOCK_LENGTH_TOO_LARGE(Kind.FATAL),
  /** The trailing copy of a pcapng Block Total Length differs from the leading one. */
  BLOCK_LENGTH_MISMATCH(Kind.FATAL),
  /** More pcapng interfaces in one section than the reader accepts. */
  TOO_MANY_INTERFACES(Kind.FATAL),

  /** A pcapng block too short for the fixed fields of its type. */
  BLOCK_BODY_TOO_SHORT(Kind.BLOCK),
  /** A pcapng packet whose captured length (padded) runs past the end of its block. */
  CAPTURED_LENGTH_PAST_BLOCK(Kind.BLOCK),
  /** A pcapng option whose length runs past the end of its block. */
  OPTION_PAST_END(Kind.BLOCK),
  /** A pcapng option whose length is wrong for its code (for example epb_flags not 4 bytes). */
  BAD_OPTION_LENGTH(Kind.BLOCK),
  /** A pcapng block refers to an interface id with no IDB in the current section. */
  UNKNOWN_INTERFACE(Kind.BLOCK),
  /** An if_tsresol that cannot be converted to nanoseconds in 64 bits. */
  UNSUPPORTED_TIMESTAMP_RESOLUTION(Kind.BLOCK);

  private enum Kind {
    OK,
    FATAL,
    BLOCK
  }

  private final Kind kind;
  private final String label;

  CaptureReadResult(Kind kind) {
    this.kind = kind;
    this.label = name().toLowerCase(Locale.ROOT);
  }

  /** Stable lower_snake_case name, usable as a metric label value. */
  public String label() {
    return label;
  }

  /** True for every malformed-input reason. */
  public boolean isError() {
    return kind != Kind.OK;
  }

  /** True if the reader lost the framing and will return this result on every later call. */
  public boolean isFatal() {
    return kind == Kind.FATAL;
  }
}
