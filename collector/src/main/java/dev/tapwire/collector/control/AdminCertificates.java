package dev.tapwire.collector.control;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What an AdminService caller's certificate must satisfy: issued by a CA of {@code admin-ca} (when
 * set) and with a common name in {@code admin-client-cn} (when set). The TLS handshake has already
 * verified the chain against the trusted CAs; this decides who may administer.
 */
final class AdminCertificates {
  private final Path adminCa;
  private final Set<String> allowedCns;
  private volatile X509Certificate[] authorities = new X509Certificate[0];

  AdminCertificates(Path adminCa, List<String> allowedCns) {
    this.adminCa = adminCa;
    this.allowedCns = Set.copyOf(allowedCns);
  }

  boolean restricted() {
    return adminCa != null || !allowedCns.isEmpty();
  }

  void reload() throws IOException {
    if (adminCa != null) {
      authorities = PemFiles.certificates(adminCa);
    }
  }

  /**
   * @param chain the peer's chain, leaf first
   * @return null when the caller may administer, else why not
   */
  String refusal(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return "admin calls need a client certificate";
    }
    X509Certificate leaf = chain[0];
    if (adminCa != null && !issuedByAdminCa(chain)) {
      return "client certificate '"
          + leaf.getSubjectX500Principal().getName()
          + "' is not issued by the admin CA";
    }
    if (!allowedCns.isEmpty()) {
      String cn = commonName(leaf);
      if (cn == null || !allowedCns.contains(cn)) {
        return "client certificate CN '" + cn + "' may not call AdminService";
      }
    }
    return null;
  }

  private boolean issuedByAdminCa(X509Certificate[] chain) {
    for (X509Certificate cert : chain) {
      for (X509Certificate ca : authorities) {
        if (cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
          try {
            cert.verify(ca.getPublicKey());
            return true;
          } catch (GeneralSecurityException e) {
            // same name, other key: keep looking
          }
        }
      }
    }
    return false;
  }

  static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
