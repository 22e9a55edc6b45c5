package dev.tapwire.collector.control;

import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.StreamKey;

/**
 * Reads a stream's key back from the names the decode stage gives it once ({@code
 * 198.18.1.1/erspan_ii-101} and {@code 198.18.1.1 -> 198.18.0.2, erspan_ii over ip, session 101,
 * inner ethernet}), so that the control plane needs nothing extra on the data path.
 */
final class StreamKeys {
  private StreamKeys() {}

  static StreamKey of(StreamDescriptor stream) {
    String name = stream.interfaceName();
    int slash = name.lastIndexOf('/');
    String tunnel = slash < 0 ? name : name.substring(slash + 1);
    int dash = tunnel.lastIndexOf('-');
    String label = dash < 0 ? tunnel : tunnel.substring(0, dash);
    long id = -1;
    if (dash >= 0) {
      try {
        id = Long.parseLong(tunnel.substring(dash + 1));
      } catch (NumberFormatException e) {
        label = tunnel;
      }
    }
    String description = stream.description();
    boolean overUdp = description.contains(" over udp");
    StreamKey.Builder key =
        StreamKey.newBuilder()
            .setOuterSourceAddress(stream.source())
            .setOuterDestinationAddress(destination(description));
    Encapsulation encapsulation =
        switch (label) {
          case "erspan_ii" -> Encapsulation.ENCAPSULATION_ERSPAN_II;
          case "erspan_iii" -> Encapsulation.ENCAPSULATION_ERSPAN_III;
          case "vxlan" -> Encapsulation.ENCAPSULATION_VXLAN;
          case "gre_teb" ->
              overUdp ? Encapsulation.ENCAPSULATION_GRE_IN_UDP : Encapsulation.ENCAPSULATION_TEB;
          default -> Encapsulation.ENCAPSULATION_UNSPECIFIED;
        };
    key.setEncapsulation(encapsulation);
    if (id >= 0) {
      switch (encapsulation) {
        case ENCAPSULATION_VXLAN -> key.setVni((int) id);
        case ENCAPSULATION_TEB, ENCAPSULATION_GRE_IN_UDP -> key.setGreKey((int) id);
        default -> key.setSessionId((int) id);
      }
    }
    return key.build();
  }

  /** The session, VNI or GRE key of a stream, or -1 when it has none. */
  static int tunnelId(StreamKey key) {
    return switch (key.getTunnelIdCase()) {
      case SESSION_ID -> key.getSessionId();
      case VNI -> key.getVni();
      case GRE_KEY -> key.getGreKey();
      case TUNNELID_NOT_SET -> -1;
    };
  }

  private static String destination(String description) {
    int arrow = description.indexOf(" -> ");
    if (arrow < 0) {
      return "";
    }
    int comma = description.indexOf(',', arrow);
    return description.substring(arrow + 4, comma < 0 ? description.length() : comma);
  }
}
