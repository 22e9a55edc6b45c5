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

  /** gRPC: frames dropped because the stream could take no more (window or buffer full). */
  public int streamFull;

  /** gRPC: frames dropped because there was no stream to the collector. */
  public int collectorUnreachable;

  /** Of the accepted packets, those sent through a packet transmit ring. */
  public int sentByRing;

  void set(int sentPackets, int failedPackets, long bytes, int errno) {
    set(sentPackets, failedPackets, bytes, errno, 0, 0);
  }

  void set(
      int sentPackets,
      int failedPackets,
      long bytes,
      int errno,
      int streamFullFrames,
      int unreachableFrames) {
    this.sent = sentPackets;
    this.failed = failedPackets;
    this.bytesSent = bytes;
    this.lastErrno = errno;
    this.streamFull = streamFullFrames;
    this.collectorUnreachable = unreachableFrames;
    this.sentByRing = 0;
  }

  void setSentByRing(int packets) {
    this.sentByRing = packets;
  }
}
