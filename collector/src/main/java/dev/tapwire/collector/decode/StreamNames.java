package dev.tapwire.collector.decode;

import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.Encapsulation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Human names of a stream, built once when it is created (never on the per-frame path). */
final class StreamNames {
  private StreamNames() {}

  static String address(byte[] bytes, int length) {
    if (length == 0) {
      return "unknown";
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOf(bytes, length)).getHostAddress();
    } catch (UnknownHostException e) {
      return "unknown";
    }
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
