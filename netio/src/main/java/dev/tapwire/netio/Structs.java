package dev.tapwire.netio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.nio.ByteOrder;

/**
 * C struct layouts of the Linux x86_64 ABI used by this package, and the byte offsets the code
 * reads and writes. {@code StructsTest} pins every size and offset to the values from the kernel
 * and glibc headers.
 */
final class Structs {
  /** {@code struct iovec} (sys/uio.h). */
  static final StructLayout IOVEC =
      MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"))
          .withName("iovec");

  /** {@code struct msghdr} (sys/socket.h). */
  static final StructLayout MSGHDR =
      MemoryLayout.structLayout(
              ADDRESS.withName("msg_name"),
              JAVA_INT.withName("msg_namelen"),
              MemoryLayout.paddingLayout(4),
              ADDRESS.withName("msg_iov"),
              JAVA_LONG.withName("msg_iovlen"),
              ADDRESS.withName("msg_control"),
              JAVA_LONG.withName("msg_controllen"),
              JAVA_INT.withName("msg_flags"),
              MemoryLayout.paddingLayout(4))
          .withName("msghdr");

  /** {@code struct mmsghdr} (sys/socket.h): a msghdr and the byte count of that message. */
  static final StructLayout MMSGHDR =
      MemoryLayout.structLayout(
              MSGHDR.withName("msg_hdr"),
              JAVA_INT.withName("msg_len"),
              MemoryLayout.paddingLayout(4))
          .withName("mmsghdr");

  /** {@code struct sockaddr_in} (netinet/in.h); port and address in network byte order. */
  static final StructLayout SOCKADDR_IN =
      MemoryLayout.structLayout(
              JAVA_SHORT.withName("sin_family"),
              JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin_port"),
              MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
              MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero"))
          .withName("sockaddr_in");

  /** {@code struct sockaddr_in6} (netinet/in.h). */
  static final StructLayout SOCKADDR_IN6 =
      MemoryLayout.structLayout(
              JAVA_SHORT.withName("sin6_family"),
              JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_port"),
              JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_flowinfo"),
              MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
              JAVA_INT.withName("sin6_scope_id"))
          .withName("sockaddr_in6");

  /** {@code struct sockaddr_ll} (linux/if_packet.h); protocol in network byte order. */
  static final StructLayout SOCKADDR_LL =
      MemoryLayout.structLayout(
              JAVA_SHORT.withName("sll_family"),
              JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sll_protocol"),
              JAVA_INT.withName("sll_ifindex"),
              JAVA_SHORT.withName("sll_hatype"),
              JAVA_BYTE.withName("sll_pkttype"),
              JAVA_BYTE.withName("sll_halen"),
              MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"))
          .withName("sockaddr_ll");

  /** {@code struct timeval} (sys/time.h), as used by SO_RCVTIMEO on x86_64. */
  static final StructLayout TIMEVAL =
      MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"))
          .withName("timeval");

  /** {@code struct pollfd} (poll.h). */
  static final StructLayout POLLFD =
      MemoryLayout.structLayout(
              JAVA_INT.withName("fd"),
              JAVA_SHORT.withName("events"),
              JAVA_SHORT.withName("revents"))
          .withName("pollfd");

  /** Interface name length including the terminating NUL ({@code IFNAMSIZ}, net/if.h). */
  static final int IFNAMSIZ = 16;

  /** The union of {@code struct ifreq} (net/if.h), 24 bytes: the members this package uses. */
  static final UnionLayout IFREQ_UNION =
      MemoryLayout.unionLayout(
          JAVA_INT.withName("ifr_ifindex"),
          JAVA_INT.withName("ifr_mtu"),
          JAVA_SHORT.withName("ifr_flags"),
          ADDRESS.withName("ifr_data"),
          MemoryLayout.sequenceLayout(24, JAVA_BYTE).withName("ifr_raw"));

  /** {@code struct ifreq} (net/if.h). */
  static final StructLayout IFREQ =
      MemoryLayout.structLayout(
              MemoryLayout.sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifr_name"),
              IFREQ_UNION.withName("ifr_ifru"))
          .withName("ifreq");

  /** {@code struct ifaddrs} (ifaddrs.h). */
  static final StructLayout IFADDRS =
      MemoryLayout.structLayout(
              ADDRESS.withName("ifa_next"),
              ADDRESS.withName("ifa_name"),
              JAVA_INT.withName("ifa_flags"),
              MemoryLayout.paddingLayout(4),
              ADDRESS.withName("ifa_addr"),
              ADDRESS.withName("ifa_netmask"),
              ADDRESS.withName("ifa_ifu"),
              ADDRESS.withName("ifa_data"))
          .withName("ifaddrs");

  /** {@code struct ethtool_cmd} (linux/ethtool.h), the ETHTOOL_GSET request. */
  static final StructLayout ETHTOOL_CMD =
      MemoryLayout.structLayout(
              JAVA_INT.withName("cmd"),
              JAVA_INT.withName("supported"),
              JAVA_INT.withName("advertising"),
              JAVA_SHORT.withName("speed"),
              JAVA_BYTE.withName("duplex"),
              JAVA_BYTE.withName("port"),
              JAVA_BYTE.withName("phy_address"),
              JAVA_BYTE.withName("transceiver"),
              JAVA_BYTE.withName("autoneg"),
              JAVA_BYTE.withName("mdio_support"),
              JAVA_INT.withName("maxtxpkt"),
              JAVA_INT.withName("maxrxpkt"),
              JAVA_SHORT.withName("speed_hi"),
              JAVA_BYTE.withName("eth_tp_mdix"),
              JAVA_BYTE.withName("eth_tp_mdix_ctrl"),
              JAVA_INT.withName("lp_advertising"),
              MemoryLayout.sequenceLayout(2, JAVA_INT).withName("reserved"))
          .withName("ethtool_cmd");

  static final long IOVEC_BASE = IOVEC.byteOffset(groupElement("iov_base"));
  static final long IOVEC_LEN = IOVEC.byteOffset(groupElement("iov_len"));

  static final long MMSG_NAME = mmsg("msg_name");
  static final long MMSG_NAMELEN = mmsg("msg_namelen");
  static final long MMSG_IOV = mmsg("msg_iov");
  static final long MMSG_IOVLEN = mmsg("msg_iovlen");
  static final long MMSG_CONTROL = mmsg("msg_control");
  static final long MMSG_CONTROLLEN = mmsg("msg_controllen");
  static final long MMSG_FLAGS = mmsg("msg_flags");
  static final long MMSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));

  static final long SIN_PORT = SOCKADDR_IN.byteOffset(groupElement("sin_port"));
  static final long SIN_ADDR = SOCKADDR_IN.byteOffset(groupElement("sin_addr"));
  static final long SIN6_PORT = SOCKADDR_IN6.byteOffset(groupElement("sin6_port"));
  static final long SIN6_FLOWINFO = SOCKADDR_IN6.byteOffset(groupElement("sin6_flowinfo"));
  static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(groupElement("sin6_addr"));
  static final long SIN6_SCOPE_ID = SOCKADDR_IN6.byteOffset(groupElement("sin6_scope_id"));
  static final long SLL_PROTOCOL = SOCKADDR_LL.byteOffset(groupElement("sll_protocol"));
  static final long SLL_IFINDEX = SOCKADDR_LL.byteOffset(groupElement("sll_ifindex"));

  static final long TV_SEC = TIMEVAL.byteOffset(groupElement("tv_sec"));
  static final long TV_USEC = TIMEVAL.byteOffset(groupElement("tv_usec"));

  static final long POLL_FD = POLLFD.byteOffset(groupElement("fd"));
  static final long POLL_EVENTS = POLLFD.byteOffset(groupElement("events"));
  static final long POLL_REVENTS = POLLFD.byteOffset(groupElement("revents"));

  static final long IFR_NAME = IFREQ.byteOffset(groupElement("ifr_name"));
  static final long IFR_IFINDEX = ifru("ifr_ifindex");
  static final long IFR_MTU = ifru("ifr_mtu");
  static final long IFR_FLAGS = ifru("ifr_flags");
  static final long IFR_DATA = ifru("ifr_data");

  static final long IFA_NEXT = IFADDRS.byteOffset(groupElement("ifa_next"));
  static final long IFA_NAME = IFADDRS.byteOffset(groupElement("ifa_name"));
  static final long IFA_ADDR = IFADDRS.byteOffset(groupElement("ifa_addr"));

  static final long ETHTOOL_CMD_CMD = ETHTOOL_CMD.byteOffset(groupElement("cmd"));
  static final long ETHTOOL_CMD_SPEED = ETHTOOL_CMD.byteOffset(groupElement("speed"));
  static final long ETHTOOL_CMD_SPEED_HI = ETHTOOL_CMD.byteOffset(groupElement("speed_hi"));

  /**
   * Bytes reserved for a source or destination address per message: the largest address used here
   * ({@code sockaddr_in6}, 28 bytes) rounded up to keep slots 8-byte aligned.
   */
  static final int NAME_SLOT_BYTES = 32;

  private Structs() {}

  private static long mmsg(String field) {
    return MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement(field));
  }

  private static long ifru(String field) {
    return IFREQ.byteOffset(groupElement("ifr_ifru"), groupElement(field));
  }
}
