package dev.tapwire.collector.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Addresses as people write them (RFC 5952): IPv4 dotted, IPv6 in lower case with the longest run
 * of zero groups as {@code ::}, for interface names, file names and messages.
 */
public final class AddressText {
  private AddressText() {}

  /** The text of {@code address}. */
  public static String of(InetAddress address) {
    byte[] bytes = address.getAddress();
    return of(bytes, bytes.length);
  }

  /** The text of the first {@code length} (4 or 16) bytes of {@code bytes}; "unknown" otherwise. */
  public static String of(byte[] bytes, int length) {
    if (length == 4) {
      try {
        return InetAddress.getByAddress(Arrays.copyOf(bytes, length)).getHostAddress();
      } catch (UnknownHostException e) {
        return "unknown";
      }
    }
    if (length != 16) {
      return "unknown";
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append(i == 0 ? "::" : ":");
        i += bestLength - 1;
        continue;
      }
      text.append(Integer.toHexString(groups[i]));
      if (i < 7) {
        text.append(':');
      }
    }
    return text.toString();
  }
}
