package dev.tapwire.wire.tunnel;

import java.util.Locale;

/**
 * How the tunnel header reached the collector. Part of the stream key, so that GRE-in-UDP and raw
 * GRE between the same hosts are distinct streams.
 */
public enum Carrier {
  /** GRE directly in IP (IPv4 protocol / IPv6 next header 47). */
  IP,
  /** In a UDP payload: VXLAN (port 4789 by default) or GRE-in-UDP (RFC 8086, port 4754). */
  UDP,
  /** In a gRPC stream over TCP (HTTP/2, TLS when configured). */
  GRPC;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** Stable lower_snake_case name. */
  public String label() {
    return label;
  }
}
