package dev.tapwire.runtime.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses numeric IP addresses only, so a setting never triggers a DNS lookup: IPv4 as four decimal
 * parts (198.18.0.1), IPv6 as a literal with at least one colon (2001:db8::1). {@link
 * InetAddress#getByName} alone would resolve a hex-looking name such as {@code beef} through DNS.
 */
public final class NumericAddress {
  private NumericAddress() {}

  /**
   * The address {@code text} (already stripped) names.
   *
   * @throws IllegalArgumentException if it is not a numeric IPv4 or IPv6 address
   */
  public static InetAddress parse(String text) {
    if (text.indexOf(':') >= 0) {
      // A literal with a colon is parsed as IPv6 and never looked up (InetAddress#getAllByName).
      if (text.length() > 45 || !text.matches("[0-9A-Fa-f:.]+")) {
        throw notNumeric(text);
      }
      try {
        return InetAddress.getByName(text);
      } catch (UnknownHostException e) {
        throw notNumeric(text);
      }
    }
    byte[] bytes = new byte[4];
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw notNumeric(text);
    }
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw notNumeric(text);
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        throw notNumeric(text);
      }
      bytes[i] = (byte) value;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always a valid IPv4 address
    }
  }

  private static IllegalArgumentException notNumeric(String text) {
    return new IllegalArgumentException("'" + text + "' is not a numeric IPv4 or IPv6 address");
  }
}
