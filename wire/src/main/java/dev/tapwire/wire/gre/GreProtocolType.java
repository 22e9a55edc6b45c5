package dev.tapwire.wire.gre;

/**
 * GRE protocol type values (the EtherType of the payload) that the tunnel codecs dispatch on.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2784#section-2.4">RFC 2784 §2.4 Protocol Type</a>
 */
public final class GreProtocolType {
  /** ERSPAN Type I (no ERSPAN header, GRE S=0) and Type II (8-byte header, GRE S=1). */
  public static final int ERSPAN_I_II = 0x88BE;

  /** ERSPAN Type III (12-byte header, plus 8 bytes when O=1). */
  public static final int ERSPAN_III = 0x22EB;

  /** Transparent Ethernet Bridging: the payload is an Ethernet frame without FCS. */
  public static final int TRANSPARENT_ETHERNET_BRIDGING = 0x6558;

  /** IPv4 (a routed GRE tunnel or a keepalive over raw GRE; an inner IP packet in GRE-in-UDP). */
  public static final int IPV4 = 0x0800;

  /** IPv6. */
  public static final int IPV6 = 0x86DD;

  /** PPP, carried by the enhanced GRE (version 1) of PPTP, RFC 2637. */
  public static final int PPP = 0x880B;

  /** WCCP redirection (Cisco), never mirror traffic. */
  public static final int WCCP = 0x883E;

  private GreProtocolType() {}
}
