package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SockAddrTest {
  @Test
  void ipv4IsSockaddrIn() throws Exception {
    SockAddr a = SockAddr.of(InetAddress.getByName("198.18.0.2"), 0x1234);

    assertThat(a.family()).isEqualTo(IpFamily.IPV4);
    assertThat(hex(a)).isEqualTo("0200" + "1234" + "c6120002" + "0000000000000000");
  }

  @Test
  void ipv6IsSockaddrIn6() throws Exception {
    SockAddr a = SockAddr.of(InetAddress.getByName("2001:db8::2"));

    assertThat(a.family()).isEqualTo(IpFamily.IPV6);
    assertThat(hex(a))
        .isEqualTo("0a00" + "0000" + "00000000" + "20010db8000000000000000000000002" + "00000000");
  }

  @Test
  void rejectsNothingElse() {
    assertThatThrownBy(() -> SockAddr.of(null)).isInstanceOf(IllegalArgumentException.class);
  }

  private static String hex(SockAddr a) {
    MemorySegment m = MemorySegment.ofArray(new byte[a.length()]);
    a.copyTo(m, 0);
    return HexFormat.of().formatHex(m.toArray(ValueLayout.JAVA_BYTE));
  }
}
