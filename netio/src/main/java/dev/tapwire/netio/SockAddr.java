package dev.tapwire.netio;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An immutable IPv4 or IPv6 socket address in its native form ({@code sockaddr_in} or {@code
 * sockaddr_in6}). Build one per destination, outside the data path, and pass it to {@link
 * SendBatch#add}; the batch copies its bytes, so adding allocates nothing.
 */
public final class SockAddr {
  private final InetAddress address;
  private final IpFamily family;
  private final byte[] bytes;
  private final MemorySegment segment;

  private SockAddr(InetAddress address, IpFamily family, byte[] bytes) {
    this.address = address;
    this.family = family;
    this.bytes = bytes;
    this.segment = MemorySegment.ofArray(bytes);
  }

  /**
   * The socket address of {@code address} with port 0 (raw sockets have no ports; for a raw IPv6
   * socket a non-zero port would have to equal the socket's protocol). An {@link Inet6Address}
   * keeps its scope id (needed for link-local destinations).
   */
  public static SockAddr of(InetAddress address) {
    return of(address, 0);
  }

  /** With a port, for the datagram sockets of this package's own tests. */
  static SockAddr of(InetAddress address, int port) {
    if (address instanceof Inet4Address) {
      ByteBuffer b =
          ByteBuffer.allocate((int) Structs.SOCKADDR_IN.byteSize()).order(ByteOrder.nativeOrder());
      b.putShort(0, (short) Libc.AF_INET);
      b.order(ByteOrder.BIG_ENDIAN).putShort((int) Structs.SIN_PORT, (short) port);
      b.put((int) Structs.SIN_ADDR, address.getAddress());
      return new SockAddr(address, IpFamily.IPV4, b.array());
    }
    if (address instanceof Inet6Address v6) {
      ByteBuffer b =
          ByteBuffer.allocate((int) Structs.SOCKADDR_IN6.byteSize()).order(ByteOrder.nativeOrder());
      b.putShort(0, (short) Libc.AF_INET6);
      b.order(ByteOrder.BIG_ENDIAN).putShort((int) Structs.SIN6_PORT, (short) port);
      b.order(ByteOrder.nativeOrder());
      b.put((int) Structs.SIN6_ADDR, v6.getAddress());
      b.putInt((int) Structs.SIN6_SCOPE_ID, v6.getScopeId());
      return new SockAddr(address, IpFamily.IPV6, b.array());
    }
    throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + address);
  }

  /** The IP address. */
  public InetAddress address() {
    return address;
  }

  /** IPv4 or IPv6. */
  public IpFamily family() {
    return family;
  }

  /** Length of the native structure in bytes (16 or 28). */
  public int length() {
    return bytes.length;
  }

  /** Copies the native bytes into {@code dst} at {@code offset}. */
  void copyTo(MemorySegment dst, long offset) {
    MemorySegment.copy(segment, 0, dst, offset, bytes.length);
  }

  @Override
  public String toString() {
    return address.getHostAddress();
  }
}
