package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestAddressesTest {
  @Test
  void acceptsTheTestRanges() {
    assertThat(TestAddresses.requireTestPrefix("198.18.0.1/30").getHostAddress())
        .isEqualTo("198.18.0.1");
    assertThat(TestAddresses.requireTestPrefix("198.19.255.254/15")).isNotNull();
    assertThat(TestAddresses.requireTestPrefix("2001:db8::1/64").getHostAddress())
        .isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(TestAddresses.requireTestPrefix("2001:db8:ffff::2/32")).isNotNull();
  }

  @Test
  void rejectsEverythingElse() {
    for (String bad :
        new String[] {
          "198.17.255.255/30",
          "198.20.0.1/30",
          "10.0.0.1/24",
          "192.168.1.1/24",
          "2001:db9::1/64",
          "fe80::1/64",
          "::1/128",
          "example.com/24",
          "198.18.0.1",
        }) {
      assertThatThrownBy(() -> TestAddresses.requireTestPrefix(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsPrefixesReachingOutsideTheRange() {
    assertThatThrownBy(() -> TestAddresses.requireTestPrefix("198.18.0.1/8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the test range");
    assertThatThrownBy(() -> TestAddresses.requireTestPrefix("2001:db8::1/16"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vethPairChecksAddressesBeforeTouchingTheSystem() {
    assertThatThrownBy(() -> VethPair.between(null, null).addresses("10.0.0.1/30", "10.0.0.2/30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the test ranges");
  }
}
