package dev.tapwire.collector.decode;

import dev.tapwire.collector.stream.AddressText;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.Encapsulation;

/** Human names of a stream, built once when it is created (never on the per-frame path). */
final class StreamNames {
  private StreamNames() {}

  /** pcapng if_name, e.g. {@code 198.18.1.1/erspan_ii-101}. */
  static String interfaceName(DecodedFrame d) {
    long id = d.streamId();
    return AddressText.of(d.outerSourceAddress(), d.addressLength())
        + "/"
        + d.encapsulation().label()
        + (id >= 0 ? "-" + id : "");
  }

  /** pcapng if_description: path, encapsulation, carrier and what the stream id is. */
  static String description(DecodedFrame d) {
    long id = d.streamId();
    return AddressText.of(d.outerSourceAddress(), d.addressLength())
        + " -> "
        + AddressText.of(d.outerDestinationAddress(), d.addressLength())
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
      case ERSPAN_II, ERSPAN_III, GRPC -> "session";
      case VXLAN -> "vni";
      default -> "key";
    };
  }
}
