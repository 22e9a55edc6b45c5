package dev.tapwire.wire.tunnel;

import java.util.Locale;

/** What the decapsulated inner frame is. */
public enum InnerProtocol {
  /** An Ethernet frame without FCS (ERSPAN, TEB, VXLAN). */
  ETHERNET(1),
  /** An IPv4 packet (ERSPAN III FT=2, GRE-in-UDP 0x0800). */
  IPV4(228),
  /** An IPv6 packet (ERSPAN III FT=2, GRE-in-UDP 0x86DD). */
  IPV6(229);

  private final int linkType;
  private final String label = name().toLowerCase(Locale.ROOT);

  InnerProtocol(int linkType) {
    this.linkType = linkType;
  }

  /** The pcap/pcapng LINKTYPE for a record holding this frame (1, 228 or 229). */
  public int linkType() {
    return linkType;
  }

  /** Stable lower_snake_case name. */
  public String label() {
    return label;
  }
}
