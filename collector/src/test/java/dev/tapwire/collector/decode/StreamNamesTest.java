package dev.tapwire.collector.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.stream.AddressText;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class StreamNamesTest {
  private static String text(String literal) throws Exception {
    byte[] b = InetAddress.getByName(literal).getAddress();
    return AddressText.of(java.util.Arrays.copyOf(b, 16), b.length);
  }

  @Test
  void addressesAreWrittenInTheirShortForm() throws Exception {
    assertThat(text("198.18.0.1")).isEqualTo("198.18.0.1");
    assertThat(text("2001:db8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
    assertThat(text("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(text("0:0:0:0:0:0:0:0")).isEqualTo("::");
    assertThat(text("2001:db8:1:2:3:4:5:0")).isEqualTo("2001:db8:1:2:3:4:5:0");
    assertThat(text("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
    assertThat(AddressText.of(new byte[16], 0)).isEqualTo("unknown");
  }
}
