package dev.tapwire.cli.control;

import dev.tapwire.cli.UserFacingException;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** Where the collector is and how to reach it: shared by every control-plane command. */
public final class ControlOptions {
  /** The collector's default gRPC port. */
  public static final int DEFAULT_PORT = 7460;

  @Option(
      names = "--collector",
      paramLabel = "HOST[:PORT]",
      defaultValue = "localhost:" + DEFAULT_PORT,
      description = "Collector's gRPC address (default ${DEFAULT-VALUE}).")
  String collector = "localhost:" + DEFAULT_PORT;

  @Option(
      names = "--tls-ca",
      paramLabel = "PEM",
      description = "CA bundle that signed the collector's certificate: turns TLS on.")
  Path tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Client certificate for mutual TLS (with --tls-key).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Client private key (PKCS#8).")
  Path tlsKey;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Deadline of each call (default ${DEFAULT-VALUE}).")
  long timeoutSeconds = 10;

  /** {@code HOST:PORT} as given, with the default port added. */
  public String target() {
    String c = collector.strip();
    if (c.startsWith("[")) {
      return c.contains("]:") ? c : c + ":" + DEFAULT_PORT;
    }
    int colons = c.length() - c.replace(":", "").length();
    return colons == 1 ? c : colons == 0 ? c + ":" + DEFAULT_PORT : "[" + c + "]:" + DEFAULT_PORT;
  }

  public long timeoutSeconds() {
    return timeoutSeconds;
  }

  /** A channel to the collector; plaintext unless a TLS flag is given. */
  public ManagedChannel channel() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UserFacingException("--tls-cert and --tls-key go together");
    }
    ChannelCredentials credentials;
    if (tlsCa == null && tlsCert == null) {
      credentials = InsecureChannelCredentials.create();
    } else {
      try {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (tlsCa != null) {
          tls.trustManager(tlsCa.toFile());
        }
        if (tlsCert != null) {
          tls.keyManager(tlsCert.toFile(), tlsKey.toFile());
        }
        credentials = tls.build();
      } catch (IOException | RuntimeException e) {
        throw new UserFacingException("cannot use the TLS files: " + e.getMessage(), e);
      }
    }
    return Grpc.newChannelBuilder(target(), credentials)
        .maxInboundMessageSize(32 << 20)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }
}
