package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for the C library functions this package needs, and thin wrappers.
 *
 * <p>Every handle that can fail captures {@code errno} into a caller-supplied call-state segment
 * ({@link #newCallState}); the owner of a socket keeps one, so a call allocates nothing. Control
 * calls throw {@link ErrnoException}; the batch calls on the data path ({@link #recvmmsg}, {@link
 * #sendmmsg}, {@link #sendto}, {@link #poll}) return {@code -errno} instead, so the caller decides
 * which failures are per-packet and which are fatal without an exception on the hot path.
 */
@SuppressWarnings("restricted")
final class Libc {
  // Address families, socket types, protocols (Linux x86_64).
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int AF_PACKET = 17;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int IPPROTO_IP = 0;
  static final int IPPROTO_IPV6 = 41;

  // Socket options.
  static final int SOL_SOCKET = 1;
  static final int SO_SNDBUF = 7;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  static final int SO_BINDTODEVICE = 25;
  static final int SO_SNDBUFFORCE = 32;
  static final int SO_RCVBUFFORCE = 33;
  static final int IP_RECVERR = 11;
  static final int IPV6_RECVERR = 25;
  static final int SOL_PACKET = 263;
  static final int PACKET_QDISC_BYPASS = 20;

  // Message flags.
  static final int MSG_TRUNC = 0x20;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_ERRQUEUE = 0x2000;
  static final int MSG_WAITFORONE = 0x10000;

  // ioctl requests (linux/sockios.h).
  static final long SIOCGIFFLAGS = 0x8913;
  static final long SIOCSIFFLAGS = 0x8914;
  static final long SIOCGIFMTU = 0x8921;
  static final long SIOCGIFINDEX = 0x8933;
  static final long SIOCETHTOOL = 0x8946;
  static final int ETHTOOL_GSET = 1;

  // Files, poll, namespaces.
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final short POLLIN = 0x1;
  static final int CLONE_NEWNET = 0x40000000;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(PathElement.groupElement("errno"));

  private static final MethodHandle SOCKET =
      errnoCall("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle BIND = errnoCall("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle SETSOCKOPT =
      errnoCall("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle GETSOCKOPT =
      errnoCall("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle CLOSE = errnoCall("close", JAVA_INT, JAVA_INT);
  private static final MethodHandle RECVMMSG =
      errnoCall("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
  private static final MethodHandle SENDMMSG =
      errnoCall("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
  private static final MethodHandle SENDTO =
      errnoCall("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle IOCTL =
      downcall(
          "ioctl",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
          Linker.Option.firstVariadicArg(2),
          Linker.Option.captureCallState("errno"));
  private static final MethodHandle IF_NAMETOINDEX = errnoCall("if_nametoindex", JAVA_INT, ADDRESS);
  private static final MethodHandle POLL =
      errnoCall("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle SETNS = errnoCall("setns", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle OPEN =
      downcall(
          "open",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2),
          Linker.Option.captureCallState("errno"));
  private static final MethodHandle GETIFADDRS = errnoCall("getifaddrs", JAVA_INT, ADDRESS);
  private static final MethodHandle FREEIFADDRS =
      downcall("freeifaddrs", FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle STRERROR =
      downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private Libc() {}

  /** A segment that receives {@code errno} after each call; owned by one thread at a time. */
  static MemorySegment newCallState(Arena arena) {
    return arena.allocate(CALL_STATE);
  }

  static int socket(MemorySegment st, int domain, int type, int protocol) throws ErrnoException {
    int rc;
    try {
      rc = (int) SOCKET.invokeExact(st, domain, type, protocol);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return check(rc, st, "socket", null);
  }

  static void bind(MemorySegment st, int fd, MemorySegment addr, int len, String subject)
      throws ErrnoException {
    int rc;
    try {
      rc = (int) BIND.invokeExact(st, fd, addr, len);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "bind", subject);
  }

  static void setsockopt(
      MemorySegment st, int fd, int level, int name, MemorySegment value, int len, String subject)
      throws ErrnoException {
    int rc;
    try {
      rc = (int) SETSOCKOPT.invokeExact(st, fd, level, name, value, len);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "setsockopt", subject);
  }

  /** {@code getsockopt}; {@code lenInOut} holds the buffer size before and the value size after. */
  static void getsockopt(
      MemorySegment st,
      int fd,
      int level,
      int name,
      MemorySegment value,
      MemorySegment lenInOut,
      String subject)
      throws ErrnoException {
    int rc;
    try {
      rc = (int) GETSOCKOPT.invokeExact(st, fd, level, name, value, lenInOut);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "getsockopt", subject);
  }

  static void close(MemorySegment st, int fd) throws ErrnoException {
    int rc;
    try {
      rc = (int) CLOSE.invokeExact(st, fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "close", null);
  }

  /** {@code recvmmsg} without a timeout: the number of messages received, or {@code -errno}. */
  static int recvmmsg(MemorySegment st, int fd, MemorySegment vec, int vlen, int flags) {
    int rc;
    try {
      rc = (int) RECVMMSG.invokeExact(st, fd, vec, vlen, flags, MemorySegment.NULL);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return rc >= 0 ? rc : -errnoOrEio(st);
  }

  /** {@code sendmmsg}: the number of messages sent, or {@code -errno}. */
  static int sendmmsg(MemorySegment st, int fd, MemorySegment vec, int vlen, int flags) {
    int rc;
    try {
      rc = (int) SENDMMSG.invokeExact(st, fd, vec, vlen, flags);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return rc >= 0 ? rc : -errnoOrEio(st);
  }

  /** {@code sendto}: the number of bytes sent, or {@code -errno}. */
  static long sendto(
      MemorySegment st,
      int fd,
      MemorySegment buf,
      long len,
      int flags,
      MemorySegment addr,
      int addrLen) {
    long rc;
    try {
      rc = (long) SENDTO.invokeExact(st, fd, buf, len, flags, addr, addrLen);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return rc >= 0 ? rc : -errnoOrEio(st);
  }

  static void ioctl(MemorySegment st, int fd, long request, MemorySegment arg, String subject)
      throws ErrnoException {
    int rc;
    try {
      rc = (int) IOCTL.invokeExact(st, fd, request, arg);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "ioctl", subject);
  }

  /** {@code ioctl} returning {@code 0} or {@code -errno}, for requests an interface may lack. */
  static int ioctlOrErrno(MemorySegment st, int fd, long request, MemorySegment arg) {
    int rc;
    try {
      rc = (int) IOCTL.invokeExact(st, fd, request, arg);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return rc >= 0 ? rc : -errnoOrEio(st);
  }

  static int ifNameToIndex(MemorySegment st, MemorySegment name, String subject)
      throws ErrnoException {
    int rc;
    try {
      rc = (int) IF_NAMETOINDEX.invokeExact(st, name);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    if (rc == 0) {
      throw new ErrnoException("if_nametoindex", subject, errnoOrEio(st));
    }
    return rc;
  }

  /** {@code poll}: the number of ready descriptors, or {@code -errno}. */
  static int poll(MemorySegment st, MemorySegment fds, long nfds, int timeoutMs) {
    int rc;
    try {
      rc = (int) POLL.invokeExact(st, fds, nfds, timeoutMs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return rc >= 0 ? rc : -errnoOrEio(st);
  }

  static void setns(MemorySegment st, int fd, int nstype, String subject) throws ErrnoException {
    int rc;
    try {
      rc = (int) SETNS.invokeExact(st, fd, nstype);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "setns", subject);
  }

  static int open(MemorySegment st, MemorySegment path, int flags, String subject)
      throws ErrnoException {
    int rc;
    try {
      rc = (int) OPEN.invokeExact(st, path, flags, 0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return check(rc, st, "open", subject);
  }

  /** {@code getifaddrs}; {@code headOut} is a pointer-sized segment receiving the list head. */
  static void getifaddrs(MemorySegment st, MemorySegment headOut) throws ErrnoException {
    int rc;
    try {
      rc = (int) GETIFADDRS.invokeExact(st, headOut);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    check(rc, st, "getifaddrs", null);
  }

  static void freeifaddrs(MemorySegment head) {
    try {
      FREEIFADDRS.invokeExact(head);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String strerror(int errno) {
    MemorySegment text;
    try {
      text = (MemorySegment) STRERROR.invokeExact(errno);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    return text.equals(MemorySegment.NULL)
        ? "Unknown error " + errno
        : text.reinterpret(Long.MAX_VALUE).getString(0);
  }

  static int errno(MemorySegment st) {
    return st.get(JAVA_INT, ERRNO_OFFSET);
  }

  private static int errnoOrEio(MemorySegment st) {
    int e = errno(st);
    return e == 0 ? Errno.EIO : e;
  }

  private static int check(int rc, MemorySegment st, String call, String subject)
      throws ErrnoException {
    if (rc < 0) {
      throw new ErrnoException(call, subject, errnoOrEio(st));
    }
    return rc;
  }

  private static MethodHandle errnoCall(String name, MemoryLayout ret, MemoryLayout... args) {
    return downcall(
        name, FunctionDescriptor.of(ret, args), Linker.Option.captureCallState("errno"));
  }

  private static MethodHandle downcall(
      String name, FunctionDescriptor descriptor, Linker.Option... options) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + name));
    return LINKER.downcallHandle(symbol, descriptor, options);
  }

  private static AssertionError unexpected(Throwable t) {
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new AssertionError("downcall threw a checked exception", t);
  }
}
