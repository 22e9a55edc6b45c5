package dev.tapwire.collector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
  private static boolean contains(String prefix, String address) throws Exception {
    byte[] bytes = InetAddress.getByName(address).getAddress();
    return Cidr.parse(prefix).contains(bytes, bytes.length);
  }

  @Test
  void matchesIpv4AndIpv6Prefixes() throws Exception {
    assertThat(contains("198.18.0.0/15", "198.19.255.255")).isTrue();
    assertThat(contains("198.18.0.0/15", "198.20.0.0")).isFalse();
    assertThat(contains("198.18.1.7", "198.18.1.7")).isTrue();
    assertThat(contains("198.18.1.7", "198.18.1.8")).isFalse();
    assertThat(contains("2001:db8::/32", "2001:db8:ffff::1")).isTrue();
    assertThat(contains("2001:db8::/33", "2001:db8:8000::1")).isFalse();
    assertThat(contains("0.0.0.0/0", "203.0.113.9")).isTrue();
    assertThat(contains("198.18.0.0/15", "2001:db8::1")).isFalse();
  }

  @Test
  void rejectsHostNamesAndBadLengths() {
    assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("not an IP prefix");
    // Hex-looking names are names too: parsing must not look them up.
    assertThatThrownBy(() -> Cidr.parse("beef/16")).hasMessageContaining("not an IP prefix");
    assertThatThrownBy(() -> Cidr.parse("dead.beef/16")).hasMessageContaining("not an IP prefix");
    assertThatThrownBy(() -> Cidr.parse("198.18.0.0/33")).hasMessageContaining("0..32");
    assertThatThrownBy(() -> Cidr.parse("2001:db8::/129")).hasMessageContaining("0..128");
    assertThatThrownBy(() -> Cidr.parse("198.18.0.0/x")).hasMessageContaining("prefix length");
  }
}
