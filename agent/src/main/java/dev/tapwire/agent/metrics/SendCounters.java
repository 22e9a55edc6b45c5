package dev.tapwire.agent.metrics;

import dev.tapwire.runtime.metrics.SingleWriterCounter;

/** What the encapsulate-and-send thread counts; written by that thread only. */
public final class SendCounters {
  /** Tunnel packets the kernel accepted. */
  public final SingleWriterCounter sent = new SingleWriterCounter();

  /** Of those, the packets sent through the packet socket's transmit ring. */
  public final SingleWriterCounter sentByRing = new SingleWriterCounter();

  /** Bytes of those packets from the tunnel header on (the kernel adds the outer IP header). */
  public final SingleWriterCounter bytesSent = new SingleWriterCounter();

  /** Frames sent with fewer bytes than they had on the wire (snap length or path MTU). */
  public final SingleWriterCounter truncated = new SingleWriterCounter();

  /** Frames whose tunnel packet would not fit the path MTU (truncated or left to fragment). */
  public final SingleWriterCounter oversize = new SingleWriterCounter();

  /** Dropped by the rate limit. */
  public final SingleWriterCounter rateLimited = new SingleWriterCounter();

  /** gRPC: dropped because the stream could take no more (the collector's window was full). */
  public final SingleWriterCounter streamFull = new SingleWriterCounter();

  /** gRPC: dropped because no stream to the collector was open. */
  public final SingleWriterCounter collectorUnreachable = new SingleWriterCounter();

  /**
   * Refused by the kernel on send (no route, queue full, socket error...); gRPC: sent on a stream
   * that broke before the collector acknowledged them.
   */
  public final SingleWriterCounter sendError = new SingleWriterCounter();
}
