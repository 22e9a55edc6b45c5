package dev.tapwire.netio;

import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.VethPair;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/**
 * Namespaces A and B joined by a veth pair, built for one test and deleted by {@link #close} (also
 * when building fails half way).
 */
final class TwoNamespaces implements AutoCloseable {
  static final String A4 = "198.18.0.1";
  static final String B4 = "198.18.0.2";
  static final String A6 = "2001:db8::1";
  static final String B6 = "2001:db8::2";

  final Netns a;
  final Netns b;
  final VethPair link;

  private TwoNamespaces(Netns a, Netns b, VethPair link) {
    this.a = a;
    this.b = b;
    this.link = link;
  }

  /** A at 198.18.0.1/30 and 2001:db8::1/64, B at 198.18.0.2/30 and 2001:db8::2/64. */
  static TwoNamespaces addressed() {
    return create(v -> v.addresses(A4 + "/30", B4 + "/30").addresses(A6 + "/64", B6 + "/64"));
  }

  /** No addresses, IPv6 off: the link carries only what the test sends. */
  static TwoNamespaces silent() {
    return create(VethPair.Builder::silent);
  }

  static TwoNamespaces create(UnaryOperator<VethPair.Builder> config) {
    Netns a = Netns.create();
    Netns b = null;
    try {
      b = Netns.create();
      return new TwoNamespaces(a, b, config.apply(VethPair.between(a, b)).create());
    } catch (RuntimeException | Error e) {
      if (b != null) {
        b.close();
      }
      a.close();
      throw e;
    }
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  @Override
  public void close() {
    try {
      link.close();
    } finally {
      try {
        b.close();
      } finally {
        a.close();
      }
    }
  }
}
