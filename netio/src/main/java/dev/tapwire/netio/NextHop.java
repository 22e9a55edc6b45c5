package dev.tapwire.netio;

import java.net.InetAddress;
import java.util.HexFormat;

/**
 * Where the kernel would send a packet to one destination, as {@link NextHopResolver} found it: the
 * egress interface, the source address, the next hop (a gateway or the destination itself) and that
 * neighbour's link-layer address. Enough to build the Ethernet and IP headers of a packet the
 * kernel would have built; {@link #problem} says why not when something is missing.
 *
 * @param problem null when usable, else why (no route, local, not Ethernet, no neighbour entry)
 * @param ifindex egress interface index
 * @param interfaceName egress interface name
 * @param mtuBytes the egress interface's MTU
 * @param interfaceMac the egress interface's MAC (6 bytes)
 * @param source the source address routing picked (or the one asked for)
 * @param nextHop the gateway, or the destination when it is on the link
 * @param neighbourMac the next hop's MAC (6 bytes) from the neighbour table
 * @param neighbourState the entry's {@code NUD_*} state bits
 */
public record NextHop(
    String problem,
    int ifindex,
    String interfaceName,
    int mtuBytes,
    byte[] interfaceMac,
    InetAddress source,
    InetAddress nextHop,
    byte[] neighbourMac,
    int neighbourState) {
  public static final int NUD_INCOMPLETE = 0x01;
  public static final int NUD_REACHABLE = 0x02;
  public static final int NUD_STALE = 0x04;
  public static final int NUD_DELAY = 0x08;
  public static final int NUD_PROBE = 0x10;
  public static final int NUD_FAILED = 0x20;
  public static final int NUD_NOARP = 0x40;
  public static final int NUD_PERMANENT = 0x80;

  /** States whose link-layer address the kernel itself would use to send. */
  static final int NUD_VALID =
      NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_NOARP | NUD_PERMANENT;

  static NextHop unusable(String problem) {
    return new NextHop(problem, 0, null, 0, null, null, null, null, 0);
  }

  /** Whether every field is known. */
  public boolean usable() {
    return problem == null;
  }

  /**
   * Whether the neighbour entry is stale: still used by the kernel, but it would confirm it (a
   * unicast probe) only once IP traffic uses it.
   */
  public boolean stale() {
    return (neighbourState & NUD_STALE) != 0;
  }

  /** Whether {@code other} gives the same headers (interface, addresses, MACs). */
  public boolean sameHeaders(NextHop other) {
    return other != null
        && usable()
        && other.usable()
        && ifindex == other.ifindex
        && source.equals(other.source)
        && java.util.Arrays.equals(interfaceMac, other.interfaceMac)
        && java.util.Arrays.equals(neighbourMac, other.neighbourMac);
  }

  @Override
  public String toString() {
    if (!usable()) {
      return problem;
    }
    HexFormat mac = HexFormat.ofDelimiter(":");
    return "dev "
        + interfaceName
        + " src "
        + source.getHostAddress()
        + " via "
        + nextHop.getHostAddress()
        + " lladdr "
        + mac.formatHex(neighbourMac)
        + " mtu "
        + mtuBytes;
  }
}
