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

  /**
   * The BPF expression matching this traffic, fragments included: an IPv4 fragment keeps its
   * protocol field but only the first carries the UDP header; an IPv6 fragment's next header is the
   * fragment header (44).
   */
  public String bpf() {
    String host = collector.getHostAddress();
    boolean v4 = collector instanceof Inet4Address;
    return switch (kind) {
      case GRE ->
          v4
              ? "(ip and dst host " + host + " and ip proto 47)"
              : "(ip6 and dst host " + host + " and (ip6 proto 47 or ip6 proto 44))";
      case UDP_TUNNEL ->
          v4
              ? "(ip and dst host "
                  + host
                  + " and ip proto 17 and (udp dst port "
                  + port
                  + " or ip[6:2] & 0x1fff != 0))"
              : "(ip6 and dst host " + host + " and (udp dst port " + port + " or ip6 proto 44))";
      case TCP_CONTROL -> "(host " + host + " and tcp port " + port + ")";
    };
  }
}
