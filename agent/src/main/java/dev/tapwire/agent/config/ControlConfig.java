package dev.tapwire.agent.config;

import java.nio.file.Path;
import java.util.SortedMap;

/**
 * How the agent reaches the collector's control plane (AgentService).
 *
 * @param port the collector's gRPC port; 0 when the control plane is off
 * @param tlsCertificate PEM client certificate (mTLS, with {@code tlsKey}), or null
 * @param tlsKey PEM private key of {@code tlsCertificate}, or null
 * @param tlsTrustedCertificates PEM CA certificates that sign the collector's certificate, or null
 *     for plaintext (unless a client certificate is given: then the JDK's trust store)
 * @param labels sent at registration, for selecting agents
 */
public record ControlConfig(
    int port,
    Path tlsCertificate,
    Path tlsKey,
    Path tlsTrustedCertificates,
    SortedMap<String, String> labels) {

  public static final int DEFAULT_PORT = 7460;

  /** Whether the agent talks to a control plane at all. */
  public boolean enabled() {
    return port > 0;
  }

  /** Whether the channel uses TLS. */
  public boolean tls() {
    return tlsTrustedCertificates != null || tlsCertificate != null;
  }
}
