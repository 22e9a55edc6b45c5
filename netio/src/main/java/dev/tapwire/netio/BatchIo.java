package dev.tapwire.netio;

/**
 * The {@code recvmmsg}/{@code sendmmsg} loops shared by the socket classes, with one policy for
 * errors: a fatal {@code errno} (bad descriptor or arguments) throws; anything else is about one
 * packet or one asynchronous network error and is counted, never dropped silently.
 */
final class BatchIo {
  private static final int MAX_DRAIN_CALLS = 16;

  private BatchIo() {}

  /**
   * Receives up to {@code batch.capacity()} packets, waiting for the first (until the socket's
   * receive timeout) and taking the rest that are already queued ({@code MSG_WAITFORONE}). Returns
   * the count, 0 on timeout, on a signal, or when the call reported an asynchronous error instead
   * of packets, which {@code errors} counts.
   */
  static int receive(SocketFd socket, RecvBatch batch, ErrorReports errors, boolean drainErrQueue)
      throws ErrnoException {
    batch.prepare();
    int rc =
        Libc.recvmmsg(
            socket.callState(),
            socket.fd(),
            batch.headers(),
            batch.capacity(),
            Libc.MSG_WAITFORONE);
    if (rc >= 0) {
      batch.setCount(rc);
      return rc;
    }
    int errno = -rc;
    if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
      return 0;
    }
    if (Errno.isFatal(errno)) {
      throw new ErrnoException("recvmmsg", socket.toString(), errno);
    }
    // A pending socket error (an ICMP error about a packet this socket sent, with IP_RECVERR).
    errors.record(errno);
    if (drainErrQueue) {
      drainErrorQueue(socket, batch, errors);
    }
    batch.prepare();
    return 0;
  }

  /**
   * Reads and discards queued error reports, at most {@link #MAX_DRAIN_CALLS} batches so that an
   * ICMP storm cannot hold the receiver here; what is left is reported on a later receive.
   */
  private static void drainErrorQueue(SocketFd socket, RecvBatch batch, ErrorReports errors) {
    for (int call = 0; call < MAX_DRAIN_CALLS; call++) {
      batch.prepare();
      int n =
          Libc.recvmmsg(
              socket.callState(),
              socket.fd(),
              batch.headers(),
              batch.capacity(),
              Libc.MSG_ERRQUEUE | Libc.MSG_DONTWAIT);
      if (n <= 0) {
        return;
      }
      errors.drained(n);
    }
  }

  /**
   * Sends every packet of {@code batch}, in order, with as few {@code sendmmsg} calls as the kernel
   * allows. The kernel stops a batch at the first packet it refuses and reports its error on the
   * next call; that packet is skipped and counted in {@link SendBatch#failed()}. Returns the number
   * of packets sent.
   */
  static int send(SocketFd socket, SendBatch batch) throws ErrnoException {
    int size = batch.size();
    int next = 0;
    int sent = 0;
    int failed = 0;
    int lastErrno = 0;
    while (next < size) {
      int rc =
          Libc.sendmmsg(socket.callState(), socket.fd(), batch.headersFrom(next), size - next, 0);
      if (rc > 0) {
        next += rc;
        sent += rc;
        continue;
      }
      int errno = rc == 0 ? Errno.EIO : -rc;
      if (errno == Errno.EINTR) {
        continue;
      }
      if (Errno.isFatal(errno) && errno != Errno.EINVAL) {
        batch.recordOutcome(sent, failed, lastErrno);
        throw new ErrnoException("sendmmsg", socket.toString(), errno);
      }
      batch.recordFailure(failed, next, errno);
      failed++;
      lastErrno = errno;
      next++;
    }
    batch.recordOutcome(sent, failed, lastErrno);
    return sent;
  }
}
