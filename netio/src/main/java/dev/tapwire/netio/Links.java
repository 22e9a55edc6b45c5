package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Network interface queries and flag changes, in the calling thread's network namespace: {@code
 * ioctl} on a throwaway datagram socket, ethtool for the speed, {@code getifaddrs} for addresses.
 *
 * <p>No {@code /sys} or {@code /proc/net} reads: sysfs shows the namespace it was mounted in and
 * {@code /proc/net} the namespace of the process's main thread, so both would be wrong for a thread
 * that entered another namespace ({@link NetworkNamespace}). Sockets and netlink follow the thread.
 */
@SuppressWarnings("restricted")
public final class Links {
  private static final int SPEED_UNKNOWN = -1;

  private Links() {}

  /** The index of interface {@code name}; {@link ErrnoException} with ENODEV if there is none. */
  public static int index(String name) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      return Libc.ifNameToIndex(Libc.newCallState(arena), arena.allocateFrom(name), name);
    }
  }

  /** Index, MTU, flags, speed and whether addresses are assigned, of interface {@code name}. */
  public static LinkInfo get(String name) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = Libc.newCallState(arena);
      int sock = Libc.socket(st, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
      try {
        MemorySegment ifr = ifreq(arena, name);
        Libc.ioctl(st, sock, Libc.SIOCGIFINDEX, ifr, "SIOCGIFINDEX " + name);
        int index = ifr.get(JAVA_INT, Structs.IFR_IFINDEX);
        Libc.ioctl(st, sock, Libc.SIOCGIFMTU, ifr, "SIOCGIFMTU " + name);
        int mtu = ifr.get(JAVA_INT, Structs.IFR_MTU);
        Libc.ioctl(st, sock, Libc.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS " + name);
        int flags = ifr.get(JAVA_SHORT, Structs.IFR_FLAGS) & 0xffff;
        int speed = speedMbps(arena, st, sock, name);
        boolean[] families = addressFamilies(arena, st, name);
        return new LinkInfo(name, index, mtu, flags, speed, families[0], families[1]);
      } finally {
        Libc.close(st, sock);
      }
    }
  }

  /**
   * Sets the {@code IFF_*} bits in {@code set} and clears those in {@code clear} ({@code
   * SIOCSIFFLAGS}; needs CAP_NET_ADMIN), e.g. {@code setFlags("eth1", IFF_UP | IFF_NOARP, 0)}.
   */
  public static void setFlags(String name, int set, int clear) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = Libc.newCallState(arena);
      int sock = Libc.socket(st, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
      try {
        MemorySegment ifr = ifreq(arena, name);
        Libc.ioctl(st, sock, Libc.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS " + name);
        int flags = ifr.get(JAVA_SHORT, Structs.IFR_FLAGS) & 0xffff;
        flags = (flags | set) & ~clear;
        ifr.set(JAVA_SHORT, Structs.IFR_FLAGS, (short) flags);
        Libc.ioctl(st, sock, Libc.SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS " + name);
      } finally {
        Libc.close(st, sock);
      }
    }
  }

  private static MemorySegment ifreq(Arena arena, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length == 0 || bytes.length >= Structs.IFNAMSIZ) {
      throw new IllegalArgumentException("bad interface name: '" + name + "'");
    }
    MemorySegment ifr = arena.allocate(Structs.IFREQ);
    MemorySegment.copy(bytes, 0, ifr, JAVA_BYTE, Structs.IFR_NAME, bytes.length);
    return ifr;
  }

  /** ETHTOOL_GSET: the driver's link speed, -1 when it reports none or has no ethtool support. */
  private static int speedMbps(Arena arena, MemorySegment st, int sock, String name) {
    MemorySegment cmd = arena.allocate(Structs.ETHTOOL_CMD);
    cmd.set(JAVA_INT, Structs.ETHTOOL_CMD_CMD, Libc.ETHTOOL_GSET);
    MemorySegment ifr = ifreq(arena, name);
    ifr.set(ADDRESS, Structs.IFR_DATA, cmd);
    if (Libc.ioctlOrErrno(st, sock, Libc.SIOCETHTOOL, ifr) < 0) {
      return SPEED_UNKNOWN;
    }
    int speed =
        (cmd.get(JAVA_SHORT, Structs.ETHTOOL_CMD_SPEED) & 0xffff)
            | (cmd.get(JAVA_SHORT, Structs.ETHTOOL_CMD_SPEED_HI) & 0xffff) << 16;
    return speed <= 0 ? SPEED_UNKNOWN : speed;
  }

  /**
   * Every IPv4 and IPv6 address assigned to interface {@code name} (IPv6 link-local ones included,
   * with their scope), from {@code getifaddrs}; empty when it has none.
   */
  public static List<InetAddress> addresses(String name) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      return addresses(arena, Libc.newCallState(arena), name);
    }
  }

  /** {@code [hasIpv4, hasIpv6]} for interface {@code name}, from {@code getifaddrs}. */
  private static boolean[] addressFamilies(Arena arena, MemorySegment st, String name)
      throws ErrnoException {
    boolean[] result = new boolean[2];
    for (InetAddress address : addresses(arena, st, name)) {
      if (address instanceof Inet4Address) {
        result[0] = true;
      } else {
        result[1] = true;
      }
    }
    return result;
  }

  private static List<InetAddress> addresses(Arena arena, MemorySegment st, String name)
      throws ErrnoException {
    MemorySegment headOut = arena.allocate(ADDRESS);
    Libc.getifaddrs(st, headOut);
    MemorySegment head = headOut.get(ADDRESS, 0);
    List<InetAddress> result = new ArrayList<>();
    try {
      MemorySegment cur = head;
      while (!cur.equals(MemorySegment.NULL)) {
        MemorySegment ifa = cur.reinterpret(Structs.IFADDRS.byteSize());
        String ifaName =
            ifa.get(ADDRESS, Structs.IFA_NAME).reinterpret(Long.MAX_VALUE).getString(0);
        MemorySegment addr = ifa.get(ADDRESS, Structs.IFA_ADDR);
        if (name.equals(ifaName) && !addr.equals(MemorySegment.NULL)) {
          InetAddress address = toInetAddress(addr);
          if (address != null) {
            result.add(address);
          }
        }
        cur = ifa.get(ADDRESS, Structs.IFA_NEXT);
      }
    } finally {
      Libc.freeifaddrs(head);
    }
    return result;
  }

  /** The address in a {@code sockaddr_in}/{@code sockaddr_in6}, null for other families. */
  private static InetAddress toInetAddress(MemorySegment sockaddr) {
    int family = sockaddr.reinterpret(2).get(JAVA_SHORT, 0);
    try {
      if (family == Libc.AF_INET) {
        MemorySegment in = sockaddr.reinterpret(Structs.SOCKADDR_IN.byteSize());
        byte[] bytes = in.asSlice(Structs.SIN_ADDR, 4).toArray(JAVA_BYTE);
        return InetAddress.getByAddress(bytes);
      }
      if (family == Libc.AF_INET6) {
        MemorySegment in6 = sockaddr.reinterpret(Structs.SOCKADDR_IN6.byteSize());
        byte[] bytes = in6.asSlice(Structs.SIN6_ADDR, 16).toArray(JAVA_BYTE);
        int scope = in6.get(JAVA_INT, Structs.SIN6_SCOPE_ID);
        return scope != 0
            ? Inet6Address.getByAddress(null, bytes, scope)
            : InetAddress.getByAddress(bytes);
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("getifaddrs returned a malformed address", e);
    }
    return null;
  }
}
