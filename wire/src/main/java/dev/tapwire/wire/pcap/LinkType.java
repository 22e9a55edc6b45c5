package dev.tapwire.wire.pcap;

/**
 * LINKTYPE_* values used by Tapwire, from the <a
 * href="https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcaplinktype/">link-type registry</a>.
 * They are the on-disk values of both the pcap LinkType field and the pcapng IDB LinkType.
 */
public final class LinkType {
  /** BSD loopback: a 4-byte host-order protocol family, then the packet. */
  public static final int NULL = 0;

  /** IEEE 802.3 Ethernet, without FCS unless the file says otherwise. */
  public static final int ETHERNET = 1;

  /** Raw IPv4 or IPv6; the version nibble tells which. */
  public static final int RAW = 101;

  /** Linux "cooked" capture, version 1. */
  public static final int LINUX_SLL = 113;

  /** Raw IPv4 only. */
  public static final int IPV4 = 228;

  /** Raw IPv6 only. */
  public static final int IPV6 = 229;

  /** Linux "cooked" capture, version 2. */
  public static final int LINUX_SLL2 = 276;

  private LinkType() {}
}
