package dev.tapwire.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumericAddressTest {
  @Test
  void parsesNumericIpv4AndIpv6() {
    assertThat(NumericAddress.parse("198.18.0.1")).isInstanceOf(Inet4Address.class);
    assertThat(NumericAddress.parse("198.18.0.1").getHostAddress()).isEqualTo("198.18.0.1");
    assertThat(NumericAddress.parse("0.0.0.0").isAnyLocalAddress()).isTrue();
    assertThat(NumericAddress.parse("2001:db8::1")).isInstanceOf(Inet6Address.class);
    assertThat(NumericAddress.parse("::").isAnyLocalAddress()).isTrue();
    assertThat(NumericAddress.parse("::ffff:198.18.0.1").getHostAddress()).isEqualTo("198.18.0.1");
  }

  @Test
  void rejectsNamesWithoutLookingThemUp() {
    // Each of these would be a DNS lookup through InetAddress.getByName.
    for (String text :
        List.of(
            "beef", "dead.beef", "cafe.babe.face.fade", "add", "1.2.3", "1.2.3.4.5", "256.1.1.1")) {
      assertThatThrownBy(() -> NumericAddress.parse(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + text + "' is not a numeric IPv4 or IPv6 address");
    }
    for (String text : List.of("", "1..2.3", "-1.2.3.4", "2001:db8::g", ":::::::::", "1.2.3.4 ")) {
      assertThatThrownBy(() -> NumericAddress.parse(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
