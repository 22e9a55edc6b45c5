package dev.tapwire.collector.decode;

import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.Encapsulation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Human names of a stream, built once when it is created (never on the per-frame path). */
final class StreamNames {
  private StreamNames() {}

  /** An address as text, IPv6 in its short form (RFC 5952: {@code 2001:db8::1}). */
  static String address(byte[] bytes, int length) {
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

  /** pcapng if_name, e.g. {@code 198.18.1.1/erspan_ii-101}. */
  static String interfaceName(DecodedFrame d) {
    long id = d.streamId();
    return address(d.outerSourceAddress(), d.addressLength())
        + "/"
        + d.encapsulation().label()
        + (id >= 0 ? "-" + id : "");
  }

  /** pcapng if_description: path, encapsulation, carrier and what the stream id is. */
  static String description(DecodedFrame d) {
    long id = d.streamId();
    return address(d.outerSourceAddress(), d.addressLength())
        + " -> "
        + address(d.outerDestinationAddress(), d.addressLength())
        + ", "
        + d.encapsulation().label()
        + " over "
        + d.carrier().label()
        + (id >= 0 ? ", " + idName(d.encapsulation()) + " " + id : "")
        + ", inner "
        + d.innerProtocol().label();
  }

  private static String idName(Encapsulation encapsulation) {
    return switch (encapsulation) {
      case ERSPAN_II, ERSPAN_III -> "session";
      case VXLAN -> "vni";
      default -> "key";
    };
  }
}
