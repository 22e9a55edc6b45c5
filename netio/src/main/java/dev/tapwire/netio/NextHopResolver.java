package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks the kernel (rtnetlink, in the calling thread's network namespace) what {@code ip route get}
 * and {@code ip neigh get} would answer: the route to a destination ({@code RTM_GETROUTE}, policy
 * routing included), the egress link ({@code RTM_GETLINK}) and the next hop's neighbour entry
 * ({@code RTM_GETNEIGH}). It never creates a neighbour entry: traffic sent by the kernel does that.
 * About three round trips per {@link #resolve}, tens of microseconds; not for every packet.
 *
 * <p>Owned by one thread. Needs no privilege.
 */
@SuppressWarnings("restricted")
public final class NextHopResolver implements AutoCloseable {
  static final int AF_NETLINK = 16;
  static final int NETLINK_ROUTE = 0;
  static final int NLMSG_ERROR = 2;
  static final int NLM_F_REQUEST = 1;
  static final int RTM_NEWLINK = 16;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWROUTE = 24;
  static final int RTM_GETROUTE = 26;
  static final int RTM_NEWNEIGH = 28;
  static final int RTM_GETNEIGH = 30;
  static final int RTA_DST = 1;
  static final int RTA_SRC = 2;
  static final int RTA_OIF = 4;
  static final int RTA_GATEWAY = 5;
  static final int RTA_PREFSRC = 7;
  static final int RTN_UNICAST = 1;
  static final int RTN_LOCAL = 2;
  static final int NDA_DST = 1;
  static final int NDA_LLADDR = 2;
  static final int IFLA_ADDRESS = 1;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_MTU = 4;
  static final int ARPHRD_ETHER = 1;
  static final int NLMSGHDR_BYTES = 16;

  private static final int REPLY_BYTES = 64 * 1024;
  private static final MethodHandle RECV =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().find("recv").orElseThrow(),
              FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
              Linker.Option.captureCallState("errno"));

  private final SocketFd fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment request = arena.allocate(256, 8);
  private final MemorySegment reply = arena.allocate(REPLY_BYTES, 8);
  private final MemorySegment kernel = arena.allocate(12, 4);
  private int sequence;

  private NextHopResolver(SocketFd fd) {
    this.fd = fd;
    kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
  }

  /** Opens an rtnetlink socket with a one-second reply timeout. */
  public static NextHopResolver open() throws ErrnoException {
    SocketFd fd = SocketFd.open(AF_NETLINK, Libc.SOCK_RAW, NETLINK_ROUTE, "rtnetlink");
    try {
      fd.setTimeval(Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, Duration.ofSeconds(1), "SO_RCVTIMEO");
    } catch (ErrnoException e) {
      RawIpSocket.closeQuietly(fd, e);
      throw e;
    }
    return new NextHopResolver(fd);
  }

  /**
   * The next hop towards {@code destination}, from {@code source} when it is not null. Whatever is
   * missing (no route, a local or non-unicast route, a non-Ethernet interface, no valid neighbour
   * entry) makes it {@linkplain NextHop#usable unusable}, with the reason.
   *
   * @throws ErrnoException if rtnetlink itself fails
   */
  public NextHop resolve(InetAddress destination, InetAddress source) throws ErrnoException {
    boolean v4 = destination instanceof Inet4Address;
    int family = v4 ? Libc.AF_INET : Libc.AF_INET6;
    int bits = v4 ? 32 : 128;
    // RTM_GETROUTE: struct rtmsg (12 bytes), then RTA_DST [RTA_SRC].
    int length = begin(RTM_GETROUTE, 12);
    request.set(JAVA_BYTE, NLMSGHDR_BYTES, (byte) family);
    request.set(JAVA_BYTE, NLMSGHDR_BYTES + 1, (byte) bits);
    request.set(JAVA_BYTE, NLMSGHDR_BYTES + 2, (byte) (source == null ? 0 : bits));
    length = attribute(length, RTA_DST, destination.getAddress());
    if (source != null) {
      length = attribute(length, RTA_SRC, source.getAddress());
    }
    int error = exchange(length, RTM_NEWROUTE);
    if (error != 0) {
      return NextHop.unusable(
          "no route to " + destination.getHostAddress() + ": " + Libc.strerror(error));
    }
    int routeType = reply.get(JAVA_BYTE, NLMSGHDR_BYTES + 7) & 0xff;
    if (routeType == RTN_LOCAL) {
      return NextHop.unusable(destination.getHostAddress() + " is a local address");
    }
    if (routeType != RTN_UNICAST) {
      return NextHop.unusable(
          "the route to " + destination.getHostAddress() + " is of type " + routeType);
    }
    int ifindex = 0;
    InetAddress gateway = null;
    InetAddress preferredSource = null;
    int end = replyLength();
    for (int at = NLMSGHDR_BYTES + 12; at + 4 <= end; at = next(at)) {
      int type = attributeType(at);
      if (type == RTA_OIF) {
        ifindex = reply.get(JAVA_INT, at + 4);
      } else if (type == RTA_GATEWAY) {
        gateway = address(at);
      } else if (type == RTA_PREFSRC) {
        preferredSource = address(at);
      }
    }
    InetAddress from = source != null ? source : preferredSource;
    if (ifindex <= 0 || from == null) {
      return NextHop.unusable(
          "the route to " + destination.getHostAddress() + " names no interface or source");
    }
    InetAddress nextHop = gateway != null ? gateway : destination;
    // RTM_GETLINK: struct ifinfomsg (16 bytes) with the index.
    length = begin(RTM_GETLINK, 16);
    request.set(JAVA_INT, NLMSGHDR_BYTES + 4, ifindex);
    error = exchange(length, RTM_NEWLINK);
    if (error != 0) {
      return NextHop.unusable("interface " + ifindex + ": " + Libc.strerror(error));
    }
    int linkType = reply.get(JAVA_SHORT, NLMSGHDR_BYTES + 2) & 0xffff;
    String name = "ifindex " + ifindex;
    int mtu = 0;
    byte[] interfaceMac = null;
    end = replyLength();
    for (int at = NLMSGHDR_BYTES + 16; at + 4 <= end; at = next(at)) {
      int type = attributeType(at);
      if (type == IFLA_IFNAME) {
        name = reply.getString(at + 4, StandardCharsets.US_ASCII);
      } else if (type == IFLA_MTU) {
        mtu = reply.get(JAVA_INT, at + 4);
      } else if (type == IFLA_ADDRESS) {
        interfaceMac = bytes(at);
      }
    }
    if (linkType != ARPHRD_ETHER || interfaceMac == null || interfaceMac.length != 6) {
      return NextHop.unusable(name + " is not an Ethernet interface (type " + linkType + ")");
    }
    // RTM_GETNEIGH: struct ndmsg (12 bytes) with the family and index, then NDA_DST.
    length = begin(RTM_GETNEIGH, 12);
    request.set(JAVA_BYTE, NLMSGHDR_BYTES, (byte) family);
    request.set(JAVA_INT, NLMSGHDR_BYTES + 4, ifindex);
    length = attribute(length, NDA_DST, nextHop.getAddress());
    error = exchange(length, RTM_NEWNEIGH);
    if (error != 0) {
      return NextHop.unusable(
          "no neighbour entry for " + nextHop.getHostAddress() + " on " + name + " yet");
    }
    int state = reply.get(JAVA_SHORT, NLMSGHDR_BYTES + 8) & 0xffff;
    byte[] neighbourMac = null;
    end = replyLength();
    for (int at = NLMSGHDR_BYTES + 12; at + 4 <= end; at = next(at)) {
      if (attributeType(at) == NDA_LLADDR) {
        neighbourMac = bytes(at);
      }
    }
    if ((state & NextHop.NUD_VALID) == 0 || neighbourMac == null || neighbourMac.length != 6) {
      return NextHop.unusable(
          "the neighbour entry for "
              + nextHop.getHostAddress()
              + " on "
              + name
              + " is not resolved (state 0x"
              + Integer.toHexString(state)
              + ")");
    }
    return new NextHop(null, ifindex, name, mtu, interfaceMac, from, nextHop, neighbourMac, state);
  }

  /** Starts a request: the header and a zeroed family header of {@code bodyBytes}. */
  private int begin(int type, int bodyBytes) {
    request.fill((byte) 0);
    request.set(JAVA_SHORT, 4, (short) type);
    request.set(JAVA_SHORT, 6, (short) NLM_F_REQUEST);
    request.set(JAVA_INT, 8, ++sequence);
    return NLMSGHDR_BYTES + bodyBytes;
  }

  private int attribute(int at, int type, byte[] value) {
    request.set(JAVA_SHORT, at, (short) (4 + value.length));
    request.set(JAVA_SHORT, at + 2, (short) type);
    MemorySegment.copy(value, 0, request, JAVA_BYTE, at + 4, value.length);
    return at + ((4 + value.length + 3) & ~3);
  }

  /**
   * Sends the request and reads until the reply of the same sequence number: 0 with the message of
   * {@code expectedType} in {@code reply}, or the {@code errno} the kernel answered with.
   */
  private int exchange(int length, int expectedType) throws ErrnoException {
    request.set(JAVA_INT, 0, length);
    long rc =
        Libc.sendto(fd.callState(), fd.fd(), request, length, 0, kernel, (int) kernel.byteSize());
    if (rc < 0) {
      throw new ErrnoException("sendto", "rtnetlink", (int) -rc);
    }
    while (true) {
      long got;
      try {
        got = (long) RECV.invokeExact(fd.callState(), fd.fd(), reply, (long) REPLY_BYTES, 0);
      } catch (Throwable t) {
        throw new AssertionError("recv threw", t);
      }
      if (got < 0) {
        int errno = Libc.errno(fd.callState());
        if (errno == Errno.EINTR) {
          continue;
        }
        throw new ErrnoException("recv", "rtnetlink", errno == 0 ? Errno.EIO : errno);
      }
      if (got < NLMSGHDR_BYTES || reply.get(JAVA_INT, 8) != sequence) {
        continue;
      }
      int type = reply.get(JAVA_SHORT, 4) & 0xffff;
      if (type == NLMSG_ERROR) {
        int error = -reply.get(JAVA_INT, NLMSGHDR_BYTES);
        return error == 0 ? Errno.EIO : error;
      }
      if (type == expectedType) {
        return 0;
      }
    }
  }

  private int replyLength() {
    return Math.min(reply.get(JAVA_INT, 0), REPLY_BYTES);
  }

  private int attributeType(int at) {
    return reply.get(JAVA_SHORT, at + 2) & 0x3fff;
  }

  private int next(int at) {
    int length = reply.get(JAVA_SHORT, at) & 0xffff;
    return at + Math.max(4, (length + 3) & ~3);
  }

  private byte[] bytes(int at) {
    int length = (reply.get(JAVA_SHORT, at) & 0xffff) - 4;
    byte[] value = new byte[Math.max(0, length)];
    MemorySegment.copy(reply, JAVA_BYTE, at + 4, value, 0, value.length);
    return value;
  }

  private InetAddress address(int at) {
    try {
      return InetAddress.getByAddress(bytes(at));
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      fd.close();
    } catch (ErrnoException e) {
      // Nothing left to do with a socket that fails to close.
    } finally {
      arena.close();
    }
  }
}
