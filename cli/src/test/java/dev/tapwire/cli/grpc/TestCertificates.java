package dev.tapwire.cli.grpc;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A CA, a collector certificate for an IP address, an agent certificate signed by the CA, and an
 * agent certificate signed by another CA, made with the {@code openssl} CLI (EC P-256, PKCS#8
 * keys).
 */
record TestCertificates(
    Path ca,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    Path rogueCert,
    Path rogueKey) {

  static TestCertificates create(Path dir, String serverIp) throws Exception {
    ExternalTool.require("openssl");
    Path ca = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    selfSigned(dir, "tapwire-test-ca", ca, caKey);
    Path rogueCa = dir.resolve("rogue-ca.pem");
    Path rogueCaKey = dir.resolve("rogue-ca.key");
    selfSigned(dir, "rogue-ca", rogueCa, rogueCaKey);
    Path serverCert = dir.resolve("collector.pem");
    Path serverKey = dir.resolve("collector.key");
    signed(dir, "collector", "subjectAltName=IP:" + serverIp, ca, caKey, serverCert, serverKey);
    Path clientCert = dir.resolve("agent.pem");
    Path clientKey = dir.resolve("agent.key");
    signed(dir, "agent-1", "extendedKeyUsage=clientAuth", ca, caKey, clientCert, clientKey);
    Path rogueCert = dir.resolve("rogue.pem");
    Path rogueKey = dir.resolve("rogue.key");
    signed(dir, "agent-1", "extendedKeyUsage=clientAuth", rogueCa, rogueCaKey, rogueCert, rogueKey);
    return new TestCertificates(
        ca, serverCert, serverKey, clientCert, clientKey, rogueCert, rogueKey);
  }

  private static void selfSigned(Path dir, String name, Path cert, Path key) {
    Exec.run(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            key.toString(),
            "-out",
            cert.toString(),
            "-days",
            "2",
            "-subj",
            "/CN=" + name,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign")
        .check();
  }

  private static void signed(
      Path dir, String name, String extension, Path ca, Path caKey, Path cert, Path key)
      throws Exception {
    Path csr = dir.resolve(name + "-" + cert.getFileName() + ".csr");
    Path ext = dir.resolve(cert.getFileName() + ".ext");
    Files.writeString(ext, extension + "\n");
    Exec.run(
            "openssl",
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            key.toString(),
            "-out",
            csr.toString(),
            "-subj",
            "/CN=" + name)
        .check();
    Exec.run(
            "openssl",
            "x509",
            "-req",
            "-in",
            csr.toString(),
            "-CA",
            ca.toString(),
            "-CAkey",
            caKey.toString(),
            "-CAcreateserial",
            "-out",
            cert.toString(),
            "-days",
            "2",
            "-extfile",
            ext.toString())
        .check();
  }
}
