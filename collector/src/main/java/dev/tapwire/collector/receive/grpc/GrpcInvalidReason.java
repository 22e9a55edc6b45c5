package dev.tapwire.collector.receive.grpc;

import java.util.Locale;

/** Why a frame of a gRPC batch was refused. */
public enum GrpcInvalidReason {
  /** No bytes. */
  FRAME_EMPTY,
  /** More than {@link BatchConverter#MAX_FRAME_BYTES}. */
  FRAME_TOO_LONG,
  /** {@code original_length_bytes} smaller than the bytes carried. */
  ORIGINAL_LENGTH_SHORT;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The {@code reason} label. */
  public String label() {
    return label;
  }
}
