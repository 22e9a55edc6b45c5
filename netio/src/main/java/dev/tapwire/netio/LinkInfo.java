package dev.tapwire.netio;

/**
 * A snapshot of one network interface as seen from the calling thread's network namespace.
 *
 * @param name interface name
 * @param index interface index
 * @param mtu MTU in bytes
 * @param flags {@code IFF_*} flags from {@code SIOCGIFFLAGS} (the low 16 bits)
 * @param speedMbps link speed in Mb/s from the driver (ethtool), or -1 if unknown
 * @param hasIpv4Address whether any IPv4 address is assigned
 * @param hasIpv6Address whether any IPv6 address is assigned (including link-local)
 */
public record LinkInfo(
    String name,
    int index,
    int mtu,
    int flags,
    int speedMbps,
    boolean hasIpv4Address,
    boolean hasIpv6Address) {
  public static final int IFF_UP = 0x1;
  public static final int IFF_BROADCAST = 0x2;
  public static final int IFF_LOOPBACK = 0x8;
  public static final int IFF_RUNNING = 0x40;
  public static final int IFF_NOARP = 0x80;
  public static final int IFF_PROMISC = 0x100;
  public static final int IFF_MULTICAST = 0x1000;

  /** Administratively up. */
  public boolean isUp() {
    return (flags & IFF_UP) != 0;
  }

  /** Operationally up (carrier). */
  public boolean isRunning() {
    return (flags & IFF_RUNNING) != 0;
  }

  /** Promiscuous mode set by an administrator ({@code ip link set promisc on}). */
  public boolean isPromiscuous() {
    return (flags & IFF_PROMISC) != 0;
  }

  /** ARP disabled. */
  public boolean isNoArp() {
    return (flags & IFF_NOARP) != 0;
  }

  /** Whether any IP address is assigned. */
  public boolean hasAddresses() {
    return hasIpv4Address || hasIpv6Address;
  }
}
