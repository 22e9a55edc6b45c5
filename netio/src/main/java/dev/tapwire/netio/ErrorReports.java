package dev.tapwire.netio;

/**
 * Counts asynchronous errors a socket reported instead of packets: with {@code IP_RECVERR}/{@code
 * IPV6_RECVERR} the kernel turns an ICMP error about a packet the socket sent (protocol or host
 * unreachable, fragmentation needed...) into a pending socket error and an error-queue entry. Read
 * by the socket's owner thread.
 */
public final class ErrorReports {
  private long reports;
  private long drained;
  private int lastErrno;

  /** Receive calls that returned an asynchronous error instead of packets. */
  public long reports() {
    return reports;
  }

  /** Error-queue entries (one per ICMP error) read and discarded. */
  public long drained() {
    return drained;
  }

  /** The {@code errno} of the last report, e.g. {@code ENOPROTOOPT} for protocol unreachable. */
  public int lastErrno() {
    return lastErrno;
  }

  void record(int errno) {
    reports++;
    lastErrno = errno;
  }

  void drained(int n) {
    drained += n;
  }
}
