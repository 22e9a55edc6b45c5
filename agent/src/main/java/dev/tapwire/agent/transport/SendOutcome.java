package dev.tapwire.agent.transport;

/** The result of one {@link Transport#flush}; reused by its caller. */
public final class SendOutcome {
  /** Packets the kernel accepted. */
  public int sent;

  /** Packets it refused. */
  public int failed;

  /** Bytes of the accepted packets (estimated from the average size when some were refused). */
  public long bytesSent;

  /** errno of the last refusal, or 0. */
  public int lastErrno;

  /** Of the accepted packets, those sent through a packet transmit ring. */
  public int sentByRing;

  void set(int sentPackets, int failedPackets, long bytes, int errno) {
    this.sent = sentPackets;
    this.failed = failedPackets;
    this.bytesSent = bytes;
    this.lastErrno = errno;
    this.sentByRing = 0;
  }

  void setSentByRing(int packets) {
    this.sentByRing = packets;
  }
}
