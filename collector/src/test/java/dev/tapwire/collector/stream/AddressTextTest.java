package dev.tapwire.collector.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressTextTest {
  @Test
  void addressesAreNamedTheWayPeopleWriteThem() throws Exception {
    assertThat(AddressText.of(InetAddress.getByName("198.18.7.1"))).isEqualTo("198.18.7.1");
    assertThat(AddressText.of(InetAddress.getByName("2001:db8:7::1"))).isEqualTo("2001:db8:7::1");
    assertThat(AddressText.of(InetAddress.getByName("2001:db8::"))).isEqualTo("2001:db8::");
    assertThat(AddressText.of(InetAddress.getByName("::1"))).isEqualTo("::1");
    assertThat(AddressText.of(InetAddress.getByName("2001:db8:0:1:0:0:0:1")))
        .isEqualTo("2001:db8:0:1::1");
    assertThat(AddressText.of(InetAddress.getByName("2001:db8:1:2:3:4:5:6")))
        .isEqualTo("2001:db8:1:2:3:4:5:6");
  }
}
