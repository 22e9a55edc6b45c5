package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RootRequirement;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resolver answers what {@code ip route get} and {@code ip neigh} show in the same namespace:
 * interface, source, next hop (a gateway when there is one) and the neighbour's MAC; and says what
 * is missing otherwise.
 */
class NextHopResolverIT {
  private static final HexFormat MAC = HexFormat.ofDelimiter(":");

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void onLinkDestinationsAndGatewaysResolveToTheNeighboursMac() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed()) {
      String dev = net.link.nameA();
      net.a.ip(
          "neigh",
          "replace",
          TwoNamespaces.B4,
          "lladdr",
          net.link.macB(),
          "dev",
          dev,
          "nud",
          "permanent");
      net.a.ip(
          "-6",
          "neigh",
          "replace",
          TwoNamespaces.B6,
          "lladdr",
          "02:00:5e:10:00:66",
          "dev",
          dev,
          "nud",
          "permanent");
      net.a.ip("route", "add", "198.19.7.0/24", "via", TwoNamespaces.B4);
      NetworkNamespace.runIn(
          net.a.name(),
          () -> {
            try (NextHopResolver resolver = NextHopResolver.open()) {
              int ifindex = Links.index(dev);
              NextHop direct = resolver.resolve(TwoNamespaces.address(TwoNamespaces.B4), null);
              assertThat(direct.problem()).isNull();
              assertThat(direct.ifindex()).isEqualTo(ifindex);
              assertThat(direct.interfaceName()).isEqualTo(dev);
              assertThat(direct.source()).isEqualTo(TwoNamespaces.address(TwoNamespaces.A4));
              assertThat(direct.nextHop()).isEqualTo(TwoNamespaces.address(TwoNamespaces.B4));
              assertThat(MAC.formatHex(direct.neighbourMac())).isEqualTo(net.link.macB());
              assertThat(MAC.formatHex(direct.interfaceMac())).isEqualTo(net.link.macA());
              assertThat(direct.neighbourState() & NextHop.NUD_PERMANENT).isNotZero();
              assertThat(direct.mtuBytes()).isEqualTo(Links.get(dev).mtu());

              NextHop routed = resolver.resolve(TwoNamespaces.address("198.19.7.9"), null);
              assertThat(routed.usable()).as(routed.toString()).isTrue();
              assertThat(routed.nextHop()).isEqualTo(TwoNamespaces.address(TwoNamespaces.B4));
              assertThat(MAC.formatHex(routed.neighbourMac())).isEqualTo(net.link.macB());

              NextHop v6 = resolver.resolve(TwoNamespaces.address(TwoNamespaces.B6), null);
              assertThat(v6.usable()).as(v6.toString()).isTrue();
              assertThat(v6.source()).isEqualTo(TwoNamespaces.address(TwoNamespaces.A6));
              assertThat(MAC.formatHex(v6.neighbourMac())).isEqualTo("02:00:5e:10:00:66");
            }
            return null;
          });
    }
  }

  @Test
  void missingPiecesAreNamed() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.addressed()) {
      NetworkNamespace.runIn(
          net.a.name(),
          () -> {
            try (NextHopResolver resolver = NextHopResolver.open()) {
              NextHop noEntry = resolver.resolve(TwoNamespaces.address("2001:db8::3"), null);
              assertThat(noEntry.usable()).isFalse();
              assertThat(noEntry.problem()).contains("neighbour entry for 2001:db8:0:0:0:0:0:3");
              NextHop local = resolver.resolve(TwoNamespaces.address(TwoNamespaces.A4), null);
              assertThat(local.problem()).contains("local address");
              NextHop noRoute = resolver.resolve(TwoNamespaces.address("198.19.200.1"), null);
              assertThat(noRoute.problem()).startsWith("no route to 198.19.200.1");
            }
            return null;
          });
    }
  }
}
