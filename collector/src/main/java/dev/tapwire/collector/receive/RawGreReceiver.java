package dev.tapwire.collector.receive;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.netio.RecvBatch;
import dev.tapwire.runtime.work.SpscQueue;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Receives raw GRE (ERSPAN I/II/III, GRE-TEB) on one {@code SOCK_RAW}/{@code IPPROTO_GRE} socket of
 * one address family, in {@code recvmmsg} batches, and copies each packet once into a pooled {@link
 * Frame} for the decode stage. An IPv4 raw socket delivers the IPv4 header with the packet; an IPv6
 * one delivers only what follows the IPv6 header, so the source address is taken from the batch and
 * the destination is the bound address (the unspecified address when not bound).
 *
 * <p>While the socket is open the kernel does not answer GRE with ICMP unreachable. One thread: the
 * socket is read with a short timeout so that the thread notices when it should stop, and closed on
 * that thread ({@link #onClose}).
 */
public final class RawGreReceiver implements GreReceiver {
  /** Packets per {@code recvmmsg}. */
  public static final int BATCH_PACKETS = 64;

  /** Receive slot: the largest IP datagram, since the kernel reassembles fragments first. */
  public static final int SLOT_BYTES = 65_535;

  private static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(100);
  private static final int SOCKET_BUFFER_BYTES = 16 << 20;

  private final RawIpSocket socket;
  private final RecvBatch batch;
  private final FrameHandoff handoff;
  private final int receiverIndex;
  private final byte[] localAddress;
  private final String roleName;
  private volatile boolean open = true;

  private RawGreReceiver(
      RawIpSocket socket, InetAddress local, FrameHandoff handoff, int receiverIndex) {
    this.socket = socket;
    this.batch = new RecvBatch(BATCH_PACKETS, SLOT_BYTES);
    this.handoff = handoff;
    this.receiverIndex = receiverIndex;
    this.localAddress = local.getAddress();
    this.roleName = "collector-rx-" + handoff.counters().name();
  }

  /**
   * Opens a raw GRE socket for {@code listen}'s family, bound to it unless it is the wildcard
   * address, in the calling thread's network namespace. Needs CAP_NET_RAW.
   */
  public static RawGreReceiver open(
      InetAddress listen,
      FramePools pools,
      SpscQueue<Frame> queue,
      ReceiveCounters counters,
      int receiverIndex)
      throws ErrnoException {
    IpFamily family = listen instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
    RawIpSocket socket = RawIpSocket.openGre(family);
    try {
      if (!listen.isAnyLocalAddress()) {
        socket.bind(listen);
      }
      socket.setReceiveTimeout(RECEIVE_TIMEOUT);
      socket.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
    } catch (ErrnoException | RuntimeException e) {
      try {
        socket.close();
      } catch (ErrnoException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return new RawGreReceiver(
        socket, listen, new FrameHandoff(pools, queue, counters), receiverIndex);
  }

  /** The {@code receiver} metric label. */
  public static String labelFor(InetAddress listen) {
    return listen instanceof Inet4Address ? "gre_ipv4" : "gre_ipv6";
  }

  @Override
  public int doWork(long nowNs) throws ErrnoException {
    int n = socket.receive(batch);
    if (n > 0) {
      long receiveTimeNs = EpochClock.nowNs();
      for (int i = 0; i < n; i++) {
        receiveOne(i, receiveTimeNs);
      }
    }
    return n;
  }

  private void receiveOne(int i, long receiveTimeNs) {
    int length = batch.length(i);
    if (batch.truncated(i)) {
      ReceiveCounters counters = handoff.counters();
      counters.packets.increment();
      counters.droppedTruncated.increment();
      return;
    }
    Frame frame = handoff.take(length);
    if (frame == null) {
      return;
    }
    MemorySegment.copy(batch.slot(i), 0, frame.segment(), 0, length);
    frame.packetLength = length;
    frame.receiveTimeNs = receiveTimeNs;
    frame.receiverIndex = receiverIndex;
    if (socket.family() == IpFamily.IPV4) {
      frame.origin = Frame.ORIGIN_RAW_IPV4;
    } else {
      frame.origin = Frame.ORIGIN_RAW_IPV6;
      frame.addressLength = batch.sourceAddress(i, frame.sourceAddress);
      System.arraycopy(localAddress, 0, frame.destinationAddress, 0, localAddress.length);
      if (frame.addressLength != localAddress.length) {
        frame.addressLength = 0;
      }
    }
    handoff.handOff(frame);
  }

  @Override
  public String roleName() {
    return roleName;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  public ReceiveCounters counters() {
    return handoff.counters();
  }

  @Override
  public void onClose() {
    open = false;
    try {
      socket.close();
    } catch (ErrnoException e) {
      // Closing a raw socket cannot lose data; nothing to report beyond the stop.
    } finally {
      batch.close();
    }
  }
}
