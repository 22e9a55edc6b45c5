package dev.tapwire.collector.sink.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class MirrorNicPreparerTest {
  @Test
  void addressesAreNamedTheWayPeopleWriteThem() throws Exception {
    assertThat(MirrorNicPreparer.text(InetAddress.getByName("198.18.7.1"))).isEqualTo("198.18.7.1");
    assertThat(MirrorNicPreparer.text(InetAddress.getByName("2001:db8:7::1")))
        .isEqualTo("2001:db8:7::1");
    assertThat(MirrorNicPreparer.text(InetAddress.getByName("2001:db8::"))).isEqualTo("2001:db8::");
    assertThat(MirrorNicPreparer.text(InetAddress.getByName("::1"))).isEqualTo("::1");
    assertThat(MirrorNicPreparer.text(InetAddress.getByName("2001:db8:0:1:0:0:0:1")))
        .isEqualTo("2001:db8:0:1::1");
    assertThat(MirrorNicPreparer.text(InetAddress.getByName("2001:db8:1:2:3:4:5:6")))
        .isEqualTo("2001:db8:1:2:3:4:5:6");
  }
}
