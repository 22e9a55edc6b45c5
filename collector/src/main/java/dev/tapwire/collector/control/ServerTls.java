package dev.tapwire.collector.control;

import dev.tapwire.collector.config.ControlServerSettings;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS credentials from PEM files, reloaded when a file changes: the certificate and
 * key go through grpc-java's {@link AdvancedTlsX509KeyManager}, the client CAs ({@code tls-ca},
 * plus {@code admin-ca} so that admin certificates are accepted at all) through its {@link
 * AdvancedTlsX509TrustManager}. New connections use the new files; open ones keep theirs. A
 * replacement that does not parse is logged and the previous material stays in use.
 */
final class ServerTls implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

  private final ControlServerSettings settings;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager;
  private final AdminCertificates adminCertificates;
  private final ScheduledFuture<?> reload;
  private List<Long> loadedTimes;

  private ServerTls(
      ControlServerSettings settings, ScheduledExecutorService timer, long reloadPeriodNs)
      throws IOException, GeneralSecurityException {
    this.settings = settings;
    this.trustManager =
        settings.tlsCa() == null
            ? null
            : AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                .build();
    this.adminCertificates = new AdminCertificates(settings.adminCa(), settings.adminClientCns());
    loadedTimes = times();
    load();
    this.reload =
        timer.scheduleWithFixedDelay(
            this::reloadIfChanged, reloadPeriodNs, reloadPeriodNs, TimeUnit.NANOSECONDS);
  }

  /**
   * Loads the files named in {@code settings} and checks them every {@code reloadPeriodNs}.
   *
   * @throws IOException naming the file that is missing or does not parse
   */
  static ServerTls start(
      ControlServerSettings settings, ScheduledExecutorService timer, long reloadPeriodNs)
      throws IOException {
    try {
      return new ServerTls(settings, timer, reloadPeriodNs);
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
  }

  ServerCredentials credentials() {
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keyManager);
    if (trustManager != null) {
      builder.trustManager(trustManager).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return builder.build();
  }

  /** What admin callers' certificates must satisfy. */
  AdminCertificates adminCertificates() {
    return adminCertificates;
  }

  private List<Long> times() {
    return PemFiles.modificationTimes(
        settings.tlsCert(), settings.tlsKey(), settings.tlsCa(), settings.adminCa());
  }

  private void load() throws IOException, GeneralSecurityException {
    X509Certificate[] chain = PemFiles.certificates(settings.tlsCert());
    keyManager.updateIdentityCredentials(chain, PemFiles.privateKey(settings.tlsKey()));
    if (trustManager != null) {
      trustManager.updateTrustCredentials(
          PemFiles.certificates(settings.tlsCa(), settings.adminCa()));
    }
    adminCertificates.reload();
  }

  private synchronized void reloadIfChanged() {
    List<Long> now = times();
    if (now.equals(loadedTimes)) {
      return;
    }
    try {
      load();
      loadedTimes = now;
      LOG.log(System.Logger.Level.INFO, "reloaded TLS certificates from " + files());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      loadedTimes = now; // retry only after the next change
      LOG.log(
          System.Logger.Level.WARNING,
          "TLS files changed but cannot be loaded, keeping the previous ones: " + e.getMessage());
    }
  }

  private String files() {
    StringBuilder text = new StringBuilder();
    for (Path p :
        new Path[] {settings.tlsCert(), settings.tlsKey(), settings.tlsCa(), settings.adminCa()}) {
      if (p != null) {
        text.append(text.isEmpty() ? "" : ", ").append(p);
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    reload.cancel(false);
  }
}
