package dev.tapwire.collector.config;

import dev.tapwire.runtime.config.NumericAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix such as {@code 198.18.0.0/15} or {@code 2001:db8::/32}; matches raw
 * address bytes without allocating.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefixLengthBits;
  private final String text;

  private Cidr(byte[] network, int prefixLengthBits, String text) {
    this.network = network;
    this.prefixLengthBits = prefixLengthBits;
    this.text = text;
  }

  /**
   * Parses {@code address/length} (a bare address means a host prefix). Only numeric addresses are
   * accepted, so parsing never does a DNS lookup.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static Cidr parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (addressText.isEmpty() || !addressText.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("'" + text + "' is not an IP prefix like 198.18.0.0/15");
    }
    byte[] address;
    try {
      address = NumericAddress.parse(addressText).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP prefix like 198.18.0.0/15");
    }
    int maxBits = address.length * 8;
    int bits = maxBits;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > maxBits) {
        throw new IllegalArgumentException(
            "'" + text + "' has a prefix length outside 0.." + maxBits);
      }
    }
    return new Cidr(mask(address, bits), bits, trimmed);
  }

  /** True when {@code address} (4 or 16 bytes, starting at index 0) lies in this prefix. */
  public boolean contains(byte[] address, int addressLength) {
    if (addressLength != network.length) {
      return false;
    }
    int fullBytes = prefixLengthBits / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int remainingBits = prefixLengthBits % 8;
    if (remainingBits == 0) {
      return true;
    }
    int byteMask = (0xFF << (8 - remainingBits)) & 0xFF;
    return (address[fullBytes] & byteMask) == (network[fullBytes] & 0xFF);
  }

  public boolean isIpv4() {
    return network.length == 4;
  }

  private static byte[] mask(byte[] address, int bits) {
    byte[] masked = Arrays.copyOf(address, address.length);
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      masked[i] &= (byte) ((0xFF << (8 - keep)) & 0xFF);
    }
    return masked;
  }

  @Override
  public String toString() {
    return text;
  }
}
