package dev.tapwire.cli.control;

import dev.tapwire.proto.v1.AgentState;
import dev.tapwire.proto.v1.DropReason;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.Stage;
import dev.tapwire.proto.v1.StreamKey;
import java.util.Locale;

/** Short lower-case names of the protocol's enums, as the metrics labels spell them. */
final class Names {
  private Names() {}

  static String of(AgentState state) {
    return strip(state.name(), "AGENT_STATE_");
  }

  static String of(PolicyStatus status) {
    return strip(status.name(), "POLICY_STATUS_");
  }

  static String of(Stage stage) {
    return strip(stage.name(), "STAGE_");
  }

  static String of(DropReason reason) {
    return strip(reason.name(), "DROP_REASON_");
  }

  static String of(Encapsulation encapsulation) {
    return strip(encapsulation.name(), "ENCAPSULATION_");
  }

  /** "198.18.0.2 erspan_ii 7" */
  static String of(StreamKey key) {
    String id =
        switch (key.getTunnelIdCase()) {
          case SESSION_ID -> " session " + key.getSessionId();
          case VNI -> " vni " + key.getVni();
          case GRE_KEY -> " key " + key.getGreKey();
          case TUNNELID_NOT_SET -> "";
        };
    return key.getOuterSourceAddress() + " " + of(key.getEncapsulation()) + id;
  }

  /** Parses "erspan-ii", "ERSPAN_II", "encapsulation_erspan_ii", "vxlan", ... */
  static Encapsulation encapsulation(String text) {
    String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    if (!name.startsWith("ENCAPSULATION_")) {
      name = "ENCAPSULATION_" + name;
    }
    try {
      Encapsulation e = Encapsulation.valueOf(name);
      if (e != Encapsulation.ENCAPSULATION_UNSPECIFIED && e != Encapsulation.UNRECOGNIZED) {
        return e;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "unknown encapsulation '"
            + text
            + "': expected erspan-ii, erspan-iii, teb, vxlan, gre-in-udp or grpc");
  }

  private static String strip(String name, String prefix) {
    return (name.startsWith(prefix) ? name.substring(prefix.length()) : name)
        .toLowerCase(Locale.ROOT);
  }
}
