package dev.tapwire.wire.tunnel;

import java.util.Locale;

/** The tunnel encapsulation an inner frame arrived in. */
public enum Encapsulation {
  /** GRE 0x88BE with S=0: no ERSPAN header, the payload is the Ethernet frame. */
  ERSPAN_I,
  /** GRE 0x88BE with S=1 and an 8-byte header with Ver=1. */
  ERSPAN_II,
  /**
   * GRE 0x22EB with a 12-byte header (+8 when O=1), or GRE 0x88BE with S=1 and Ver=2 (decoded as
   * Type III, as Wireshark does).
   */
  ERSPAN_III,
  /** GRE 0x6558, Transparent Ethernet Bridging (Linux gretap, NVGRE-style with a key). */
  GRE_TEB,
  /**
   * GRE 0x0800/0x86DD inside GRE-in-UDP (RFC 8086): the inner frame is an IP packet. Raw GRE
   * carrying IP is a routed tunnel, not a mirror, and is never classified as this.
   */
  GRE_IP,
  /** VXLAN (RFC 7348) over UDP. */
  VXLAN,
  /**
   * Tapwire's gRPC transport ({@code tapwire.v1.DataService}): frames arrive already decapsulated,
   * with their capture time, original length and session id.
   */
  GRPC;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** Stable lower_snake_case name, e.g. {@code erspan_ii}, for metric labels and logs. */
  public String label() {
    return label;
  }
}
