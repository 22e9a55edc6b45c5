package dev.tapwire.netio;

/** The IP version of a raw socket, with the Linux address family number. */
public enum IpFamily {
  /** {@code AF_INET}. A raw socket of this family receives the IPv4 header with each packet. */
  IPV4(Libc.AF_INET, 4),
  /** {@code AF_INET6}. A raw socket of this family receives the packet after the IPv6 header. */
  IPV6(Libc.AF_INET6, 16);

  private final int addressFamily;
  private final int addressBytes;

  IpFamily(int addressFamily, int addressBytes) {
    this.addressFamily = addressFamily;
    this.addressBytes = addressBytes;
  }

  /** The {@code AF_*} number. */
  public int addressFamily() {
    return addressFamily;
  }

  /** Bytes in an address of this family: 4 or 16. */
  public int addressBytes() {
    return addressBytes;
  }

  /** The family with this {@code AF_*} number, or {@code null}. */
  static IpFamily ofAddressFamily(int af) {
    return af == Libc.AF_INET ? IPV4 : af == Libc.AF_INET6 ? IPV6 : null;
  }
}
