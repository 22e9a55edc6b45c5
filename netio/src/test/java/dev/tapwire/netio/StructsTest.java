package dev.tapwire.netio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Pins every layout to the Linux x86_64 ABI (sizes and offsets from the C headers). */
class StructsTest {
  @Test
  void platformIsLinuxX8664Lp64() {
    assertThat(System.getProperty("os.name")).isEqualTo("Linux");
    assertThat(System.getProperty("os.arch")).isIn("amd64", "x86_64");
    assertThat(ValueLayout.ADDRESS.byteSize()).isEqualTo(8);
    assertThat(Linker.nativeLinker().canonicalLayouts().get("long").byteSize()).isEqualTo(8);
    assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void iovec() {
    assertThat(Structs.IOVEC.byteSize()).isEqualTo(16);
    assertThat(Structs.IOVEC_BASE).isEqualTo(0);
    assertThat(Structs.IOVEC_LEN).isEqualTo(8);
  }

  @Test
  void msghdrAndMmsghdr() {
    assertThat(Structs.MSGHDR.byteSize()).isEqualTo(56);
    assertThat(Structs.MMSGHDR.byteSize()).isEqualTo(64);
    assertThat(Structs.MMSG_NAME).isEqualTo(0);
    assertThat(Structs.MMSG_NAMELEN).isEqualTo(8);
    assertThat(Structs.MMSG_IOV).isEqualTo(16);
    assertThat(Structs.MMSG_IOVLEN).isEqualTo(24);
    assertThat(Structs.MMSG_CONTROL).isEqualTo(32);
    assertThat(Structs.MMSG_CONTROLLEN).isEqualTo(40);
    assertThat(Structs.MMSG_FLAGS).isEqualTo(48);
    assertThat(Structs.MMSG_LEN).isEqualTo(56);
  }

  @Test
  void sockaddrIn() {
    assertThat(Structs.SOCKADDR_IN.byteSize()).isEqualTo(16);
    assertThat(Structs.SIN_PORT).isEqualTo(2);
    assertThat(Structs.SIN_ADDR).isEqualTo(4);
  }

  @Test
  void sockaddrIn6() {
    assertThat(Structs.SOCKADDR_IN6.byteSize()).isEqualTo(28);
    assertThat(Structs.SIN6_PORT).isEqualTo(2);
    assertThat(Structs.SIN6_FLOWINFO).isEqualTo(4);
    assertThat(Structs.SIN6_ADDR).isEqualTo(8);
    assertThat(Structs.SIN6_SCOPE_ID).isEqualTo(24);
    assertThat(Structs.NAME_SLOT_BYTES).isGreaterThanOrEqualTo(28).isEqualTo(32);
  }

  @Test
  void sockaddrLl() {
    assertThat(Structs.SOCKADDR_LL.byteSize()).isEqualTo(20);
    assertThat(Structs.SLL_PROTOCOL).isEqualTo(2);
    assertThat(Structs.SLL_IFINDEX).isEqualTo(4);
    assertThat(Structs.SOCKADDR_LL.byteOffset(groupElement("sll_hatype"))).isEqualTo(8);
    assertThat(Structs.SOCKADDR_LL.byteOffset(groupElement("sll_pkttype"))).isEqualTo(10);
    assertThat(Structs.SOCKADDR_LL.byteOffset(groupElement("sll_halen"))).isEqualTo(11);
    assertThat(Structs.SOCKADDR_LL.byteOffset(groupElement("sll_addr"))).isEqualTo(12);
  }

  @Test
  void timevalAndPollfd() {
    assertThat(Structs.TIMEVAL.byteSize()).isEqualTo(16);
    assertThat(Structs.TV_SEC).isEqualTo(0);
    assertThat(Structs.TV_USEC).isEqualTo(8);
    assertThat(Structs.POLLFD.byteSize()).isEqualTo(8);
    assertThat(Structs.POLL_FD).isEqualTo(0);
    assertThat(Structs.POLL_EVENTS).isEqualTo(4);
    assertThat(Structs.POLL_REVENTS).isEqualTo(6);
  }

  @Test
  void ifreq() {
    assertThat(Structs.IFREQ.byteSize()).isEqualTo(40);
    assertThat(Structs.IFR_NAME).isEqualTo(0);
    assertThat(Structs.IFR_IFINDEX).isEqualTo(16);
    assertThat(Structs.IFR_MTU).isEqualTo(16);
    assertThat(Structs.IFR_FLAGS).isEqualTo(16);
    assertThat(Structs.IFR_DATA).isEqualTo(16);
  }

  @Test
  void ifaddrs() {
    assertThat(Structs.IFADDRS.byteSize()).isEqualTo(56);
    assertThat(Structs.IFA_NEXT).isEqualTo(0);
    assertThat(Structs.IFA_NAME).isEqualTo(8);
    assertThat(Structs.IFA_ADDR).isEqualTo(24);
  }

  @Test
  void ethtoolCmd() {
    assertThat(Structs.ETHTOOL_CMD.byteSize()).isEqualTo(44);
    assertThat(Structs.ETHTOOL_CMD_CMD).isEqualTo(0);
    assertThat(Structs.ETHTOOL_CMD_SPEED).isEqualTo(12);
    assertThat(Structs.ETHTOOL_CMD_SPEED_HI).isEqualTo(28);
  }
}
