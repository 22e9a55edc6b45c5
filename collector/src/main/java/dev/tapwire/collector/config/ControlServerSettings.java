package dev.tapwire.collector.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings of the collector's gRPC control plane.
 *
 * @param address local address to bind ({@code grpc-address}); null binds every address
 * @param port TCP port ({@code grpc-port}); 0 disables the control plane
 * @param tlsCert PEM certificate chain of the server ({@code tls-cert}); null serves plaintext
 * @param tlsKey PEM private key of the server ({@code tls-key})
 * @param tlsCa PEM CA bundle that client certificates must chain to ({@code tls-ca}); when set,
 *     every client must present a certificate (mutual TLS)
 * @param adminCa PEM CA bundle that AdminService callers' certificates must chain to ({@code
 *     admin-ca}), or null
 * @param adminClientCns certificate common names allowed to call AdminService ({@code
 *     admin-client-cn}); empty allows any
 * @param reportIntervalNs interval between two agent ReportStats calls ({@code
 *     report-interval-seconds})
 */
public record ControlServerSettings(
    InetAddress address,
    int port,
    Path tlsCert,
    Path tlsKey,
    Path tlsCa,
    Path adminCa,
    List<String> adminClientCns,
    long reportIntervalNs) {

  public boolean enabled() {
    return port != 0;
  }

  public boolean tls() {
    return tlsCert != null;
  }

  /** Admin calls need a client certificate from {@link #adminCa} or with an allowed CN. */
  public boolean adminRestricted() {
    return adminCa != null || !adminClientCns.isEmpty();
  }
}
