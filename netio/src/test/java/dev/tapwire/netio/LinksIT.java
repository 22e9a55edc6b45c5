package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.RootRequirement;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interface facts read through the FFM code from a thread inside a namespace match what iproute2
 * ({@code ip -j link}, {@code ip -j addr}) and sysfs report for the same interface.
 */
class LinksIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void addressedVethMatchesIproute2() throws Exception {
    try (TwoNamespaces net =
        TwoNamespaces.create(
            v ->
                v.addresses("198.18.0.1/30", "198.18.0.2/30")
                    .addresses("2001:db8::1/64", "2001:db8::2/64")
                    .mtu(1400))) {
      String name = net.link.nameA();
      LinkInfo info = NetworkNamespace.runIn(net.a.name(), () -> Links.get(name));

      assertMatchesIproute2(net.a, info);
      assertThat(info.mtu()).isEqualTo(1400);
      assertThat(info.isUp()).isTrue();
      assertThat(info.isRunning()).isTrue();
      assertThat(info.isPromiscuous()).isFalse();
      assertThat(info.hasIpv4Address()).isTrue();
      assertThat(info.hasIpv6Address()).isTrue();
      List<InetAddress> addresses =
          NetworkNamespace.runIn(net.a.name(), () -> Links.addresses(name));
      assertThat(addresses)
          .contains(InetAddress.getByName("198.18.0.1"), InetAddress.getByName("2001:db8::1"))
          .anyMatch(InetAddress::isLinkLocalAddress)
          .hasSize(3);
      assertThat(info.speedMbps())
          .as("veth reports a nominal speed through ethtool, like sysfs")
          .isEqualTo(
              Integer.parseInt(
                  net.a.execChecked("cat", "/sys/class/net/" + name + "/speed").strip()));
    }
  }

  @Test
  void silentVethHasNoAddressesAndFlagsCanBeSet() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.silent()) {
      String name = net.link.nameB();
      LinkInfo before = NetworkNamespace.runIn(net.b.name(), () -> Links.get(name));
      assertMatchesIproute2(net.b, before);
      assertThat(before.hasAddresses()).isFalse();
      assertThat(NetworkNamespace.runIn(net.b.name(), () -> Links.addresses(name))).isEmpty();

      LinkInfo after =
          NetworkNamespace.runIn(
              net.b.name(),
              () -> {
                Links.setFlags(name, LinkInfo.IFF_PROMISC | LinkInfo.IFF_NOARP, 0);
                return Links.get(name);
              });
      assertThat(after.isPromiscuous()).isTrue();
      assertThat(after.isNoArp()).isTrue();
      assertMatchesIproute2(net.b, after);

      LinkInfo down =
          NetworkNamespace.runIn(
              net.b.name(),
              () -> {
                Links.setFlags(name, 0, LinkInfo.IFF_UP | LinkInfo.IFF_PROMISC);
                return Links.get(name);
              });
      assertThat(down.isUp()).isFalse();
      assertThat(down.isPromiscuous()).isFalse();
      assertMatchesIproute2(net.b, down);
    }
  }

  @Test
  void loopbackHasNoSpeedAndUnknownNamesFail() throws Exception {
    try (Netns ns = Netns.create()) {
      LinkInfo lo = NetworkNamespace.runIn(ns.name(), () -> Links.get("lo"));
      assertThat(lo.index()).isEqualTo(1);
      assertThat(lo.speedMbps()).as("no ethtool link settings").isEqualTo(-1);
      assertThat((lo.flags() & LinkInfo.IFF_LOOPBACK)).isNotZero();
      assertThat(lo.hasIpv4Address()).isTrue();
      assertMatchesIproute2(ns, lo);

      assertThatThrownBy(() -> NetworkNamespace.runIn(ns.name(), () -> Links.get("tw-none0")))
          .isInstanceOfSatisfying(
              ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    }
  }

  private static void assertMatchesIproute2(Netns ns, LinkInfo info) throws Exception {
    JsonNode addr = JSON.readTree(ns.ip("-j", "addr", "show", "dev", info.name())).get(0);
    assertThat(info.index()).isEqualTo(addr.get("ifindex").asInt());
    assertThat(info.mtu()).isEqualTo(addr.get("mtu").asInt());
    List<String> flags = new ArrayList<>();
    addr.get("flags").forEach(f -> flags.add(f.asText()));
    assertThat(info.isUp()).as("UP in %s", flags).isEqualTo(flags.contains("UP"));
    assertThat(info.isPromiscuous())
        .as("PROMISC in %s", flags)
        .isEqualTo(flags.contains("PROMISC"));
    assertThat(info.isNoArp()).as("NOARP in %s", flags).isEqualTo(flags.contains("NOARP"));
    assertThat(info.isRunning()).as("LOWER_UP in %s", flags).isEqualTo(flags.contains("LOWER_UP"));
    boolean v4 = false;
    boolean v6 = false;
    for (JsonNode a : addr.path("addr_info")) {
      v4 |= "inet".equals(a.get("family").asText());
      v6 |= "inet6".equals(a.get("family").asText());
    }
    assertThat(info.hasIpv4Address()).as("IPv4 addresses of %s", info.name()).isEqualTo(v4);
    assertThat(info.hasIpv6Address()).as("IPv6 addresses of %s", info.name()).isEqualTo(v6);
  }
}
