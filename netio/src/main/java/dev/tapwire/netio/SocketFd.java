package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * An open socket descriptor with the native scratch memory its owner thread uses for calls (errno
 * capture, option values, a pollfd), so that no call allocates. Not thread-safe.
 */
final class SocketFd implements AutoCloseable {
  private final Arena arena = Arena.ofShared();
  private final MemorySegment callState = Libc.newCallState(arena);
  private final MemorySegment scratch = arena.allocate(64, 8);
  private final MemorySegment length = arena.allocate(JAVA_INT);
  private final MemorySegment pollFd = arena.allocate(Structs.POLLFD);
  private final String description;
  private final int fd;
  private boolean closed;

  private SocketFd(int fd, String description) {
    this.fd = fd;
    this.description = description;
  }

  /** {@code socket(domain, type | SOCK_CLOEXEC, protocol)}. */
  static SocketFd open(int domain, int type, int protocol, String description)
      throws ErrnoException {
    try (Arena a = Arena.ofConfined()) {
      int fd = Libc.socket(Libc.newCallState(a), domain, type | Libc.SOCK_CLOEXEC, protocol);
      return new SocketFd(fd, description);
    }
  }

  int fd() {
    checkOpen();
    return fd;
  }

  MemorySegment callState() {
    return callState;
  }

  /** 64 bytes of 8-aligned scratch memory for option values and addresses. */
  MemorySegment scratch() {
    return scratch;
  }

  void bind(MemorySegment addr, int len, String subject) throws ErrnoException {
    Libc.bind(callState, fd(), addr, len, subject);
  }

  void setInt(int level, int option, int value, String name) throws ErrnoException {
    scratch.set(JAVA_INT, 0, value);
    Libc.setsockopt(callState, fd(), level, option, scratch, Integer.BYTES, name);
  }

  int getInt(int level, int option, String name) throws ErrnoException {
    length.set(JAVA_INT, 0, Integer.BYTES);
    Libc.getsockopt(callState, fd(), level, option, scratch, length, name);
    return scratch.get(JAVA_INT, 0);
  }

  void setTimeval(int level, int option, Duration value, String name) throws ErrnoException {
    long us = value.toNanos() / 1_000;
    scratch.set(JAVA_LONG, Structs.TV_SEC, us / 1_000_000);
    scratch.set(JAVA_LONG, Structs.TV_USEC, us % 1_000_000);
    Libc.setsockopt(
        callState, fd(), level, option, scratch, (int) Structs.TIMEVAL.byteSize(), name);
  }

  void setBytes(int level, int option, MemorySegment value, String name) throws ErrnoException {
    Libc.setsockopt(callState, fd(), level, option, value, (int) value.byteSize(), name);
  }

  /**
   * Sets a buffer size, first with the privileged {@code forceOption} (ignores {@code
   * rmem_max}/{@code wmem_max}; needs CAP_NET_ADMIN), falling back to {@code option} on EPERM.
   * Returns the size the kernel reports afterwards (it doubles the request for bookkeeping).
   */
  int setBufferSize(int option, int forceOption, int bytes, String name) throws ErrnoException {
    if (bytes <= 0) {
      throw new IllegalArgumentException(name + " must be > 0: " + bytes);
    }
    try {
      setInt(Libc.SOL_SOCKET, forceOption, bytes, name + "FORCE");
    } catch (ErrnoException e) {
      if (e.errno() != Errno.EPERM) {
        throw e;
      }
      setInt(Libc.SOL_SOCKET, option, bytes, name);
    }
    return getInt(Libc.SOL_SOCKET, option, name);
  }

  /**
   * Waits up to {@code timeoutMs} (negative: forever) until the socket has something to read.
   * Returns false on timeout or when interrupted by a signal.
   */
  boolean pollReadable(int timeoutMs) throws ErrnoException {
    pollFd.set(JAVA_INT, Structs.POLL_FD, fd());
    pollFd.set(JAVA_SHORT, Structs.POLL_EVENTS, Libc.POLLIN);
    pollFd.set(JAVA_SHORT, Structs.POLL_REVENTS, (short) 0);
    int rc = Libc.poll(callState, pollFd, 1, timeoutMs);
    if (rc < 0) {
      if (-rc == Errno.EINTR) {
        return false;
      }
      throw new ErrnoException("poll", description, -rc);
    }
    return rc > 0;
  }

  boolean isOpen() {
    return !closed;
  }

  @Override
  public void close() throws ErrnoException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Libc.close(callState, fd);
    } finally {
      arena.close();
    }
  }

  @Override
  public String toString() {
    return description + (closed ? " (closed)" : " fd " + fd);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(description + " is closed");
    }
  }
}
