package dev.tapwire.agent.filter;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Traffic the agent itself sends to the collector, which it must never capture.
 *
 * @param collector the collector's address
 * @param kind what is sent
 * @param port the UDP port for {@link Kind#UDP_TUNNEL}, the TCP port for {@link Kind#TCP_CONTROL},
 *     0 otherwise
 */
public record ExportFlow(InetAddress collector, Kind kind, int port) {
  /** What the agent sends. */
  public enum Kind {
    /** GRE/ERSPAN/TEB over raw IP (protocol 47). */
    GRE,
    /** VXLAN (or GRE-in-UDP) datagrams to one UDP port. */
    UDP_TUNNEL,
    /** The control connection (both directions). */
    TCP_CONTROL
  }

  public static ExportFlow gre(InetAddress collector) {
    return new ExportFlow(collector, Kind.GRE, 0);
  }

  public static ExportFlow udp(InetAddress collector, int port) {
    return new ExportFlow(collector, Kind.UDP_TUNNEL, port);
  }

  public static ExportFlow tcpControl(InetAddress collector, int port) {
    return new ExportFlow(collector, Kind.TCP_CONTROL, port);
  }

  /**
   * The BPF expression matching this traffic, fragments included (an IPv4 fragment keeps its
   * protocol field but only the first carries the UDP header; an IPv6 fragment's next header is the
   * fragment header, 44), and the ICMP errors it provokes (unreachable, time exceeded, parameter
   * problem quoting a packet of ours to the collector). Those errors must be left out too:
   * mirrored, each would be tunnelled to the collector, draw another error, and loop.
   */
  public String bpf() {
    String host = collector.getHostAddress();
    boolean v4 = collector instanceof Inet4Address;
    return switch (kind) {
      case GRE ->
          v4
              ? "(ip and dst host " + host + " and ip proto 47) or " + icmpErrorsAbout(47)
              : "(ip6 and dst host "
                  + host
                  + " and (ip6 proto 47 or ip6 proto 44)) or "
                  + icmpErrorsAbout(47);
      case UDP_TUNNEL ->
          v4
              ? "(ip and dst host "
                  + host
                  + " and ip proto 17 and (udp dst port "
                  + port
                  + " or ip[6:2] & 0x1fff != 0)) or "
                  + icmpErrorsAbout(17)
              : "(ip6 and dst host "
                  + host
                  + " and (udp dst port "
                  + port
                  + " or ip6 proto 44)) or "
                  + icmpErrorsAbout(17);
      case TCP_CONTROL -> "(host " + host + " and tcp port " + port + ")";
    };
  }

  /**
   * ICMP errors quoting a packet of {@code protocol} to the collector: ICMP type 3, 11 or 12 with
   * the quoted IPv4 header's protocol (ICMP offset 17) and destination (offset 24); ICMPv6 type 1-4
   * right after a plain IPv6 header, with the quoted next header (offset 54) and destination
   * (offsets 72-87).
   */
  private String icmpErrorsAbout(int protocol) {
    byte[] a = collector.getAddress();
    if (collector instanceof Inet4Address) {
      return "(icmp and (icmp[0] == 3 or icmp[0] == 11 or icmp[0] == 12) and icmp[17] == "
          + protocol
          + " and icmp[24:4] == "
          + word(a, 0)
          + ")";
    }
    return "(icmp6 and ip6[40] >= 1 and ip6[40] <= 4 and ip6[54] == "
        + protocol
        + " and ip6[72:4] == "
        + word(a, 0)
        + " and ip6[76:4] == "
        + word(a, 4)
        + " and ip6[80:4] == "
        + word(a, 8)
        + " and ip6[84:4] == "
        + word(a, 12)
        + ")";
  }

  private static String word(byte[] bytes, int offset) {
    long value =
        ((bytes[offset] & 0xffL) << 24)
            | ((bytes[offset + 1] & 0xff) << 16)
            | ((bytes[offset + 2] & 0xff) << 8)
            | (bytes[offset + 3] & 0xff);
    return "0x" + Long.toHexString(value);
  }
}
