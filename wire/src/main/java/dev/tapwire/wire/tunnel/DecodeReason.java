package dev.tapwire.wire.tunnel;

import java.util.Locale;

/**
 * Why a packet got its {@link Verdict}. Every {@link Verdict#NOT_TUNNEL} and {@link
 * Verdict#INVALID} outcome has its own constant; {@link #label()} is stable and used as the
 * Prometheus {@code reason} label, so constants may be added but never renamed.
 *
 * <p>Decisions on legitimate-but-foreign traffic: GRE version 1 is the enhanced GRE of PPTP (RFC
 * 2637), real VPN traffic that is simply not a mirror, so it is {@link Verdict#NOT_TUNNEL} ({@link
 * #GRE_VERSION_1_PPTP}) rather than invalid. GRE versions 2-7 are undefined and {@link
 * Verdict#INVALID}. Raw GRE carrying IPv4/IPv6 (a routed tunnel or a keepalive), WCCP and any other
 * protocol type are {@link #GRE_PROTOCOL_NOT_MIRROR}.
 */
public enum DecodeReason {
  /** A mirrored frame was found. */
  NONE(Verdict.FRAME),
  /** An outer IPv4 fragment (MF set or a non-zero offset) of a GRE or UDP datagram. */
  IPV4_FRAGMENT(Verdict.FRAGMENT),

  // ---- not tunnel traffic ----
  /** The link layer carries neither IPv4 nor IPv6 (ARP, LLDP, STP, ...). */
  NOT_IP(Verdict.NOT_TUNNEL),
  /** The outer IP protocol is neither GRE (47) nor UDP (17). */
  IP_PROTOCOL_NOT_TUNNEL(Verdict.NOT_TUNNEL),
  /** UDP to a port other than the configured VXLAN and GRE-in-UDP ports. */
  UDP_PORT_NOT_TUNNEL(Verdict.NOT_TUNNEL),
  /** GRE version 1: PPTP's enhanced GRE (RFC 2637), legitimate VPN traffic, not a mirror. */
  GRE_VERSION_1_PPTP(Verdict.NOT_TUNNEL),
  /**
   * GRE carrying a protocol type that is not mirror traffic: IPv4/IPv6 over raw GRE (routed tunnels
   * and keepalives), WCCP, PPP, MPLS, ...
   */
  GRE_PROTOCOL_NOT_MIRROR(Verdict.NOT_TUNNEL),

  // ---- malformed or unsupported ----
  /** The pcap record is shorter than its link-layer header (or a VLAN tag in it). */
  LINK_LAYER_TRUNCATED(Verdict.INVALID),
  /** A pcap LINKTYPE this classifier does not decode. */
  LINK_TYPE_UNSUPPORTED(Verdict.INVALID),
  /** Fewer bytes than the IP header or the IP total/payload length claims. */
  IP_TRUNCATED(Verdict.INVALID),
  /** The IP version nibble is not 4 or 6 (or contradicts the link-layer protocol). */
  IP_BAD_VERSION(Verdict.INVALID),
  /** IPv4 IHL below 5 words. */
  IP_BAD_HEADER_LENGTH(Verdict.INVALID),
  /** IPv4 total length smaller than the header length. */
  IP_BAD_TOTAL_LENGTH(Verdict.INVALID),
  /** An IPv6 extension header runs past the payload length. */
  IPV6_EXTENSION_HEADER_TRUNCATED(Verdict.INVALID),
  /**
   * A non-atomic IPv6 fragment: the outer reassembler handles IPv4 only. (Atomic fragments, offset
   * 0 and M=0, are skipped like any extension header.)
   */
  IPV6_FRAGMENT_UNSUPPORTED(Verdict.INVALID),
  /** Fewer than 8 bytes for the UDP header. */
  UDP_TRUNCATED(Verdict.INVALID),
  /** UDP length below 8 or beyond the IP payload. */
  UDP_BAD_LENGTH(Verdict.INVALID),
  /** Fewer bytes than the GRE header (4 + 4·C + 4·K + 4·S) needs. */
  GRE_TRUNCATED(Verdict.INVALID),
  /** GRE version 2-7 (undefined). */
  GRE_BAD_VERSION(Verdict.INVALID),
  /** GRE R bit (RFC 1701 source routing): rejected as by Linux and Zeek. */
  GRE_ROUTING_PRESENT(Verdict.INVALID),
  /** Fewer bytes than the ERSPAN header (8 for Type II, 12 for Type III) needs. */
  ERSPAN_TRUNCATED(Verdict.INVALID),
  /**
   * An ERSPAN header whose Ver is not 1 or 2 in a 0x88BE packet with S=1, or not 2 in a 0x22EB
   * packet.
   */
  ERSPAN_BAD_VERSION(Verdict.INVALID),
  /** ERSPAN III frame type other than 0 (Ethernet), 2 (IP) or 7 with O=0 (the known quirk). */
  ERSPAN_FRAME_TYPE_UNSUPPORTED(Verdict.INVALID),
  /** O=1 (or FT=7) but fewer than 8 bytes for the platform sub-header. */
  ERSPAN_SUBHEADER_TRUNCATED(Verdict.INVALID),
  /** Fewer than 8 bytes for the VXLAN header. */
  VXLAN_TRUNCATED(Verdict.INVALID),
  /** VXLAN header without the I flag (0x08): the VNI is not valid. */
  VXLAN_I_FLAG_MISSING(Verdict.INVALID),
  /** The tunnel header is valid but nothing follows it. */
  INNER_FRAME_EMPTY(Verdict.INVALID),
  /** An inner Ethernet frame shorter than its 14-byte header. */
  INNER_ETHERNET_TOO_SHORT(Verdict.INVALID),
  /** An inner IP packet whose version nibble is not 4 or 6, or contradicts the GRE type. */
  INNER_IP_BAD_VERSION(Verdict.INVALID),
  /** An inner IP packet shorter than its fixed header (20 or 40 bytes). */
  INNER_IP_TOO_SHORT(Verdict.INVALID);

  private final Verdict verdict;
  private final String label = name().toLowerCase(Locale.ROOT);

  DecodeReason(Verdict verdict) {
    this.verdict = verdict;
  }

  /** The verdict this reason belongs to. */
  public Verdict verdict() {
    return verdict;
  }

  /** Stable lower_snake_case name, used as the metric {@code reason} label. */
  public String label() {
    return label;
  }
}
