package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw IP socket ({@code socket(AF_INET|AF_INET6, SOCK_RAW, protocol)}) for one IP protocol, such
 * as GRE (47), with batched receive ({@code recvmmsg}) and send ({@code sendmmsg}).
 *
 * <p>The kernel builds the outer IP header on send ({@code IP_HDRINCL} is off): a packet handed to
 * {@link #send} starts at the protocol header (e.g. GRE). On receive the two families differ: an
 * IPv4 raw socket gets the whole IPv4 header in front of each packet, an IPv6 raw socket gets only
 * what follows the IPv6 header (and its extension headers). {@link #payloadOffset} hides that.
 *
 * <p>While any raw socket for a protocol is open in a network namespace, the kernel no longer
 * answers packets of that protocol with ICMP protocol-unreachable (IPv6: parameter problem), as
 * long as no in-kernel handler, such as the {@code ip_gre} module, claims the protocol.
 *
 * <p>{@code IP_RECVERR}/{@code IPV6_RECVERR} is on: without it a raw IPv4 socket reports a packet
 * that the local queueing discipline dropped as sent; with it the drop is {@code ENOBUFS} for that
 * packet. ICMP errors about sent packets are counted in {@link #errorReports()}.
 *
 * <p>Thread ownership: a socket and its batches belong to one thread at a time; handing them to
 * another thread needs a happens-before edge (a queue, a join). Needs CAP_NET_RAW.
 */
public final class RawIpSocket implements AutoCloseable {
  /** {@code IPPROTO_ICMP}. */
  public static final int IPPROTO_ICMP = 1;

  /** {@code IPPROTO_GRE}: GRE, ERSPAN and GRE-TEB. */
  public static final int IPPROTO_GRE = 47;

  /** {@code IPPROTO_ICMPV6}. */
  public static final int IPPROTO_ICMPV6 = 58;

  private static final int IP_TTL = 2;
  private static final int IPV6_UNICAST_HOPS = 16;

  private final SocketFd fd;
  private final IpFamily family;
  private final int protocol;
  private final ErrorReports errors = new ErrorReports();

  private RawIpSocket(SocketFd fd, IpFamily family, int protocol) {
    this.fd = fd;
    this.family = family;
    this.protocol = protocol;
  }

  /** Opens a raw socket of {@code family} for IP protocol number {@code protocol} (1..255). */
  public static RawIpSocket open(IpFamily family, int protocol) throws ErrnoException {
    if (protocol < 1 || protocol > 255) {
      throw new IllegalArgumentException("IP protocol must be 1..255: " + protocol);
    }
    SocketFd fd =
        SocketFd.open(
            family.addressFamily(),
            Libc.SOCK_RAW,
            protocol,
            "raw " + family + " proto " + protocol);
    try {
      if (family == IpFamily.IPV4) {
        fd.setInt(Libc.IPPROTO_IP, Libc.IP_RECVERR, 1, "IP_RECVERR");
      } else {
        fd.setInt(Libc.IPPROTO_IPV6, Libc.IPV6_RECVERR, 1, "IPV6_RECVERR");
      }
    } catch (ErrnoException e) {
      closeQuietly(fd, e);
      throw e;
    }
    return new RawIpSocket(fd, family, protocol);
  }

  /** Opens a raw GRE socket ({@link #IPPROTO_GRE}). */
  public static RawIpSocket openGre(IpFamily family) throws ErrnoException {
    return open(family, IPPROTO_GRE);
  }

  /** IPv4 or IPv6. */
  public IpFamily family() {
    return family;
  }

  /** The IP protocol number. */
  public int protocol() {
    return protocol;
  }

  /**
   * Binds to a local address: only packets sent to it are received, and it becomes the source of
   * sent packets.
   */
  public void bind(InetAddress local) throws ErrnoException {
    SockAddr addr = SockAddr.of(local);
    if (addr.family() != family) {
      throw new IllegalArgumentException(local + " is not an " + family + " address");
    }
    MemorySegment scratch = fd.scratch();
    addr.copyTo(scratch, 0);
    fd.bind(scratch, addr.length(), local.getHostAddress());
  }

  /** Restricts the socket to one interface ({@code SO_BINDTODEVICE}; needs CAP_NET_RAW). */
  public void bindToDevice(String interfaceName) throws ErrnoException {
    byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length >= Structs.IFNAMSIZ) {
      throw new IllegalArgumentException("bad interface name: '" + interfaceName + "'");
    }
    MemorySegment scratch = fd.scratch();
    scratch.fill((byte) 0);
    MemorySegment.copy(name, 0, scratch, JAVA_BYTE, 0, name.length);
    fd.setBytes(
        Libc.SOL_SOCKET,
        Libc.SO_BINDTODEVICE,
        scratch.asSlice(0, name.length + 1),
        "SO_BINDTODEVICE " + interfaceName);
  }

  /**
   * Attaches a filter that drops every packet ({@code ret #0}): the socket still counts as open for
   * its protocol, so the kernel answers no packet of it with ICMP protocol-unreachable, but nothing
   * is queued to it (for a host that reads the protocol through a {@link PacketRxRing}).
   */
  public void discardAll() throws ErrnoException {
    ClassicBpf.dropAll().attachTo(fd, fd.toString());
  }

  /**
   * How long {@link #receive} waits for the first packet ({@code SO_RCVTIMEO}); {@link
   * Duration#ZERO} waits forever. A receiver thread uses a finite timeout to notice that it should
   * stop.
   */
  public void setReceiveTimeout(Duration timeout) throws ErrnoException {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout: " + timeout);
    }
    fd.setTimeval(Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
  }

  /**
   * Sets the receive buffer ({@code SO_RCVBUFFORCE} when permitted, else {@code SO_RCVBUF}, which
   * {@code net.core.rmem_max} caps) and returns the size the kernel reports (twice the usable
   * bytes).
   */
  public int setReceiveBufferSize(int bytes) throws ErrnoException {
    return fd.setBufferSize(Libc.SO_RCVBUF, Libc.SO_RCVBUFFORCE, bytes, "SO_RCVBUF");
  }

  /** Like {@link #setReceiveBufferSize} for the send buffer. */
  public int setSendBufferSize(int bytes) throws ErrnoException {
    return fd.setBufferSize(Libc.SO_SNDBUF, Libc.SO_SNDBUFFORCE, bytes, "SO_SNDBUF");
  }

  /**
   * The TTL (IPv4, {@code IP_TTL}) or hop limit (IPv6, {@code IPV6_UNICAST_HOPS}) the kernel puts
   * in packets this socket sends: the namespace's default unless set on the socket.
   */
  public int unicastHopLimit() throws ErrnoException {
    return family == IpFamily.IPV4
        ? fd.getInt(Libc.IPPROTO_IP, IP_TTL, "IP_TTL")
        : fd.getInt(Libc.IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS");
  }

  /** {@code SO_RCVBUF} as the kernel reports it. */
  public int receiveBufferSize() throws ErrnoException {
    return fd.getInt(Libc.SOL_SOCKET, Libc.SO_RCVBUF, "SO_RCVBUF");
  }

  /** {@code SO_SNDBUF} as the kernel reports it. */
  public int sendBufferSize() throws ErrnoException {
    return fd.getInt(Libc.SOL_SOCKET, Libc.SO_SNDBUF, "SO_SNDBUF");
  }

  /**
   * Receives a batch: waits up to the receive timeout for one packet, then takes whatever else is
   * queued, up to {@code batch.capacity()}. Returns the number of packets (also {@code
   * batch.count()}), 0 on timeout or if an ICMP error report arrived instead (counted in {@link
   * #errorReports()}).
   */
  public int receive(RecvBatch batch) throws ErrnoException {
    return BatchIo.receive(fd, batch, errors, true);
  }

  /**
   * Where the protocol header (e.g. GRE) starts in received packet {@code i}: after the IPv4 header
   * (IHL x 4) for IPv4, 0 for IPv6.
   */
  public int payloadOffset(RecvBatch batch, int i) {
    return family == IpFamily.IPV4 ? (batch.unsignedByte(i, 0) & 0x0f) * 4 : 0;
  }

  /**
   * Sends every packet of {@code batch} (each starting at the protocol header, with a destination)
   * and returns how many the kernel accepted; refused ones are counted in {@code batch.failed()}.
   */
  public int send(SendBatch batch) throws ErrnoException {
    return BatchIo.send(fd, batch);
  }

  /**
   * Sends one packet ({@code sendto}), for control traffic; use {@link #send} on the data path.
   * Returns the bytes sent.
   */
  public int sendTo(MemorySegment packet, SockAddr destination) throws ErrnoException {
    if (!packet.isNative()) {
      throw new IllegalArgumentException("packet must be in native memory");
    }
    MemorySegment scratch = fd.scratch();
    destination.copyTo(scratch, 0);
    long rc =
        Libc.sendto(
            fd.callState(), fd.fd(), packet, packet.byteSize(), 0, scratch, destination.length());
    if (rc < 0) {
      throw new ErrnoException("sendto", destination.toString(), (int) -rc);
    }
    return (int) rc;
  }

  /**
   * Waits up to {@code timeoutMs} ({@code poll}) until a packet can be received. False on timeout.
   */
  public boolean waitReadable(int timeoutMs) throws ErrnoException {
    return fd.pollReadable(timeoutMs);
  }

  /** Asynchronous ICMP error reports received so far. */
  public ErrorReports errorReports() {
    return errors;
  }

  /** Whether {@link #close} has not been called. */
  public boolean isOpen() {
    return fd.isOpen();
  }

  @Override
  public void close() throws ErrnoException {
    fd.close();
  }

  @Override
  public String toString() {
    return fd.toString();
  }

  static void closeQuietly(SocketFd fd, Exception primary) {
    try {
      fd.close();
    } catch (ErrnoException e) {
      primary.addSuppressed(e);
    }
  }
}
