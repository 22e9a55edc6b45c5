package dev.tapwire.testkit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The only addresses test topologies may use: {@code 198.18.0.0/15} (RFC 2544 benchmarking) and
 * {@code 2001:db8::/32} (RFC 3849 documentation). Fixtures check every address they configure.
 */
public final class TestAddresses {
  private TestAddresses() {}

  /**
   * Checks that {@code cidr} ({@code "198.18.0.1/30"}, {@code "2001:db8::1/64"}) lies, with its
   * whole prefix, inside the test ranges, and returns its address.
   *
   * @throws IllegalArgumentException if it does not
   */
  public static InetAddress requireTestPrefix(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not address/prefix: " + cidr);
    }
    InetAddress address = requireTestAddress(cidr.substring(0, slash));
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in " + cidr, e);
    }
    int min = address instanceof Inet4Address ? 15 : 32;
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefix < min || prefix > max) {
      throw new IllegalArgumentException(
          cidr + ": prefix /" + prefix + " would reach outside the test range (/" + min + ")");
    }
    return address;
  }

  /**
   * Checks that {@code literal} is an IP address literal inside the test ranges and returns it.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static InetAddress requireTestAddress(String literal) {
    if (!literal.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("not an IP address literal: " + literal);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: " + literal, e);
    }
    if (!isTestAddress(address)) {
      throw new IllegalArgumentException(
          literal + " is outside the test ranges 198.18.0.0/15 and 2001:db8::/32");
    }
    return address;
  }

  /** Whether {@code address} is in 198.18.0.0/15 or 2001:db8::/32. */
  public static boolean isTestAddress(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return (b[0] & 0xff) == 198 && ((b[1] & 0xff) & 0xfe) == 18;
    }
    if (address instanceof Inet6Address) {
      return (b[0] & 0xff) == 0x20
          && (b[1] & 0xff) == 0x01
          && (b[2] & 0xff) == 0x0d
          && (b[3] & 0xff) == 0xb8;
    }
    return false;
  }
}
