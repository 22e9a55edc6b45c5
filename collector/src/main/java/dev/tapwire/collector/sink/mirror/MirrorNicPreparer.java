package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.stream.AddressText;
import dev.tapwire.netio.Errno;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.LinkInfo;
import dev.tapwire.netio.Links;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes a NIC a transmit-only mirror port, in the calling thread's network namespace:
 *
 * <ol>
 *   <li>refuses it when it carries IPv4 or IPv6 addresses (IPv6 link-local ones aside: the kernel
 *       adds those by itself, and step 2 removes them), unless {@code force};
 *   <li>IPv6 off ({@code accept_ra=0}, {@code disable_ipv6=1}): no link-local address, so no
 *       neighbour or router solicitations, no duplicate address detection, no MLD reports;
 *   <li>{@code IFF_NOARP} set (no ARP requests or replies) and {@code IFF_MULTICAST} cleared (no
 *       IGMP or MLD), then {@code IFF_UP}, in one {@code SIOCSIFFLAGS}, after IPv6 is off, so the
 *       link never comes up with the stack still talking on it.
 * </ol>
 *
 * The sink then only transmits on it, through a protocol-0 packet socket that receives nothing.
 * Needs CAP_NET_ADMIN and write access to {@code /proc/sys/net/ipv6}.
 */
public final class MirrorNicPreparer {
  private static final Path IPV6_CONF = Path.of("/proc/sys/net/ipv6/conf");

  private MirrorNicPreparer() {}

  /**
   * Prepares {@code nic}.
   *
   * @param force use it even if it carries addresses (they are left in place)
   * @throws MirrorNicException naming the interface and what is wrong
   */
  public static PreparedNic prepare(String nic, boolean force) throws MirrorNicException {
    LinkInfo before = link(nic);
    if ((before.flags() & LinkInfo.IFF_LOOPBACK) != 0) {
      throw new MirrorNicException("mirror-nic " + nic + " is a loopback interface");
    }
    List<InetAddress> configured = configuredAddresses(nic);
    if (!configured.isEmpty() && !force) {
      throw new MirrorNicException(
          "mirror-nic "
              + nic
              + " carries addresses "
              + configured.stream().map(AddressText::of).collect(Collectors.joining(", "))
              + ": a mirror port must have none, or the host talks on it (ARP, ND, routes);"
              + " remove them (ip addr flush dev "
              + nic
              + ") or set force to use it anyway");
    }
    boolean ipv6Disabled = disableIpv6(nic);
    try {
      Links.setFlags(nic, LinkInfo.IFF_UP | LinkInfo.IFF_NOARP, LinkInfo.IFF_MULTICAST);
    } catch (ErrnoException e) {
      throw new MirrorNicException(
          "mirror-nic " + nic + ": cannot set it up with ARP and multicast off: " + e.getMessage(),
          e);
    }
    LinkInfo after = link(nic);
    List<InetAddress> kept;
    try {
      kept = Links.addresses(nic);
    } catch (ErrnoException e) {
      throw new MirrorNicException("mirror-nic " + nic + ": " + e.getMessage(), e);
    }
    return new PreparedNic(after, kept, ipv6Disabled);
  }

  /** Addresses other than IPv6 link-local ones. */
  static List<InetAddress> configuredAddresses(String nic) throws MirrorNicException {
    try {
      return Links.addresses(nic).stream()
          .filter(a -> !(a instanceof Inet6Address && a.isLinkLocalAddress()))
          .toList();
    } catch (ErrnoException e) {
      throw new MirrorNicException("mirror-nic " + nic + ": " + e.getMessage(), e);
    }
  }

  private static LinkInfo link(String nic) throws MirrorNicException {
    try {
      return Links.get(nic);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENODEV) {
        throw new MirrorNicException("mirror-nic " + nic + ": no such interface", e);
      }
      throw new MirrorNicException("mirror-nic " + nic + ": " + e.getMessage(), e);
    }
  }

  /** Turns IPv6 off on {@code nic}; false if the kernel has no IPv6 at all. */
  private static boolean disableIpv6(String nic) throws MirrorNicException {
    Path conf = IPV6_CONF.resolve(nic);
    if (!Files.isDirectory(IPV6_CONF)) {
      return false;
    }
    writeSysctl(conf.resolve("accept_ra"), "0", nic);
    writeSysctl(conf.resolve("disable_ipv6"), "1", nic);
    return true;
  }

  private static void writeSysctl(Path path, String value, String nic) throws MirrorNicException {
    try {
      Files.writeString(path, value);
    } catch (IOException e) {
      throw new MirrorNicException(
          "mirror-nic " + nic + ": cannot write " + value + " to " + path + ": " + e, e);
    }
  }
}
