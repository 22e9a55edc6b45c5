package dev.tapwire.collector.control;

import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads PEM certificates and keys, with errors that name the file. */
final class PemFiles {
  private PemFiles() {}

  static X509Certificate[] certificates(Path... files) throws IOException {
    List<X509Certificate> all = new ArrayList<>();
    for (Path file : files) {
      if (file == null) {
        continue;
      }
      try (InputStream in = Files.newInputStream(file)) {
        X509Certificate[] certs = CertificateUtils.getX509Certificates(in);
        if (certs.length == 0) {
          throw new IOException(file + " holds no PEM certificate");
        }
        all.addAll(List.of(certs));
      } catch (GeneralSecurityException e) {
        throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
      }
    }
    return all.toArray(new X509Certificate[0]);
  }

  static PrivateKey privateKey(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateUtils.getPrivateKey(in);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(
          file + " is not a PEM PKCS#8 private key (RSA or EC): " + e.getMessage(), e);
    }
  }

  /** Last-modified time of each file (0 for null), to notice replacements. */
  static List<Long> modificationTimes(Path... files) {
    List<Long> times = new ArrayList<>();
    for (Path file : files) {
      try {
        times.add(file == null ? 0L : Files.getLastModifiedTime(file).toMillis());
      } catch (IOException e) {
        times.add(-1L);
      }
    }
    return times;
  }
}
