package dev.tapwire.agent.transport;

import dev.tapwire.agent.config.AgentConfig.TlsFiles;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;

/** Channel credentials from the agent's PEM files. */
final class GrpcCredentials {
  private GrpcCredentials() {}

  /**
   * Plaintext when no file is given; else TLS trusting {@code ca} (or the JDK's CAs), with the
   * client certificate when {@code cert} and {@code key} are given.
   */
  static ChannelCredentials channel(TlsFiles tls) throws IOException {
    if (!tls.enabled()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    if (tls.ca() != null) {
      builder.trustManager(tls.ca().toFile());
    }
    if (tls.cert() != null) {
      builder.keyManager(tls.cert().toFile(), tls.key().toFile());
    }
    return builder.build();
  }
}
