package dev.tapwire.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Throw-away PKI for TLS tests, made with the {@code openssl} command (EC P-256, PKCS#8 PEM keys,
 * valid for two days): CAs, and certificates they sign for a server ({@code localhost}, {@code
 * 127.0.0.1}) or a client. Missing {@code openssl} fails under CI, as other tools do.
 */
public final class TestCertificates {
  /** A PEM certificate and its PEM private key. */
  public record Pair(Path cert, Path key) {}

  private final Path directory;

  public TestCertificates(Path directory) {
    this.directory = directory;
  }

  /** A self-signed CA named {@code name}. */
  public Pair ca(String name) {
    Pair pair = new Pair(directory.resolve(name + ".pem"), directory.resolve(name + ".key"));
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pair.key().toString(),
        "-out",
        pair.cert().toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return pair;
  }

  /**
   * A certificate with common name {@code cn} signed by {@code ca}, usable by a server (for
   * localhost and 127.0.0.1) and by a client.
   */
  public Pair issue(Pair ca, String name, String cn) {
    Pair pair = new Pair(directory.resolve(name + ".pem"), directory.resolve(name + ".key"));
    Path csr = directory.resolve(name + ".csr");
    Path extensions = directory.resolve(name + ".ext");
    try {
      Files.writeString(
          extensions,
          "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
              + "extendedKeyUsage=serverAuth,clientAuth\n"
              + "basicConstraints=CA:FALSE\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pair.key().toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + cn);
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.cert().toString(),
        "-CAkey",
        ca.key().toString(),
        "-CAcreateserial",
        "-out",
        pair.cert().toString(),
        "-days",
        "2",
        "-extfile",
        extensions.toString());
    return pair;
  }

  private static void openssl(String... args) {
    ExternalTool.run(ExternalTool.DEFAULT_TIMEOUT, "openssl", List.of(args)).check();
  }
}
