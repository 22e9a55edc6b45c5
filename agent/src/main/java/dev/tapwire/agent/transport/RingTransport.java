package dev.tapwire.agent.transport;

import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.NextHop;
import dev.tapwire.netio.NextHopResolver;
import dev.tapwire.netio.PacketTxRing;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Tunnel packets written with their Ethernet and outer IP headers into a packet socket's transmit
 * ring ({@link PacketTxRing}) and sent 64 at a time with one system call, skipping the kernel's
 * per-packet route lookup and IP output path that {@link RawIpTransport} pays; that raw socket
 * stays open as the fallback and carries every batch the ring cannot.
 *
 * <p>The headers need what the kernel knows: the route (egress interface, source address, gateway)
 * and the next hop's MAC from the neighbour table. {@link NextHopResolver} reads them at start and
 * every second. Whatever is missing (no neighbour entry yet, a non-Ethernet or loopback route, an
 * interface MTU smaller than the largest packet, a ring that cannot be opened or a refused send)
 * sends through the raw socket until the next check, and each change is logged. The raw socket's
 * own traffic is what makes the kernel resolve a missing neighbour; a stale entry (the kernel
 * confirms entries only when IP traffic uses them) makes the next batch go through the raw socket
 * for the same reason, so that a changed MAC is noticed within seconds.
 *
 * <p>Frames are sent through the queueing discipline, so taps on the interface see them leave, as
 * they see the raw socket's packets (the agent's capture filter leaves out both alike).
 */
public final class RingTransport implements Transport {
  /** Packets per {@code sendto}, as for {@link RawIpTransport#BATCH_PACKETS}. */
  public static final int BATCH_PACKETS = RawIpTransport.BATCH_PACKETS;

  static final int RING_FRAMES = 4 * BATCH_PACKETS;
  static final long REFRESH_INTERVAL_NS = 1_000_000_000L;
  static final long FRAME_WAIT_NS = 50_000_000L;
  private static final int SEND_BUFFER_BYTES = 4 << 20;
  private static final System.Logger LOG = System.getLogger(RingTransport.class.getName());

  private final RawIpTransport socket;
  private final NextHopResolver resolver;
  private final InetAddress source;
  private final OuterHeaders headers;
  private final int hopLimit;
  private final LongSupplier clock;
  private PacketTxRing ring;
  private PacketSlot[] ringSlots;
  private NextHop hop;
  private volatile String pathState = "starting";
  private boolean ringBatch;
  private boolean confirmNeighbour;
  private long nextRefreshNs = Long.MIN_VALUE;
  private long pendingBytes;

  private RingTransport(
      RawIpTransport socket,
      NextHopResolver resolver,
      InetAddress source,
      int ipProtocol,
      int hopLimit,
      LongSupplier clock) {
    this.socket = socket;
    this.resolver = resolver;
    this.source = source;
    this.hopLimit = hopLimit;
    this.clock = clock;
    this.headers = new OuterHeaders(socket.collector() instanceof Inet4Address, ipProtocol);
  }

  /**
   * Wraps the fallback {@code socket} (which it owns once this returns) and checks the path once,
   * so that the first batch already goes through the ring when it can. On failure the socket is
   * left open for the caller.
   *
   * @param source the bound source address, or null to take the route's
   * @param ipProtocol 47 for GRE, 17 for UDP
   */
  public static RingTransport open(RawIpTransport socket, InetAddress source, int ipProtocol)
      throws ErrnoException {
    NextHopResolver resolver = null;
    try {
      resolver = NextHopResolver.open();
      RingTransport transport =
          new RingTransport(
              socket, resolver, source, ipProtocol, socket.unicastHopLimit(), System::nanoTime);
      transport.refresh(System.nanoTime());
      return transport;
    } catch (ErrnoException | RuntimeException e) {
      if (resolver != null) {
        resolver.close();
      }
      throw e;
    }
  }

  /** Whether the next batch would go through the ring as things stand. */
  public boolean ringActive() {
    return ring != null;
  }

  @Override
  public int maxPacketBytes() {
    return socket.maxPacketBytes();
  }

  @Override
  public int outerIpHeaderBytes() {
    return socket.outerIpHeaderBytes();
  }

  @Override
  public boolean isFull() {
    if (!ringBatch) {
      return socket.isFull();
    }
    return ring.pendingFrames() >= BATCH_PACKETS || !ring.nextFrameFree();
  }

  @Override
  public int pendingPackets() {
    return ringBatch ? ring.pendingFrames() : socket.pendingPackets();
  }

  @Override
  public PacketSlot nextSlot() {
    if (pendingPackets() == 0) {
      choosePath();
    }
    if (!ringBatch) {
      return socket.nextSlot();
    }
    return ringSlots[ring.nextIndex()];
  }

  @Override
  public void commit(int length) {
    if (!ringBatch) {
      socket.commit(length);
      return;
    }
    int frameBytes = headers.write(ring.frame(ring.nextIndex()), length);
    ring.commit(frameBytes);
    pendingBytes += length;
  }

  @Override
  public void flush(SendOutcome outcome) {
    if (!ringBatch) {
      socket.flush(outcome);
      return;
    }
    int size = ring.pendingFrames();
    if (size == 0) {
      outcome.set(0, 0, 0, 0);
      return;
    }
    int sent;
    int failed;
    int errno;
    try {
      sent = ring.send();
      failed = ring.pendingFrames();
      errno = ring.lastErrno();
    } catch (ErrnoException e) {
      sent = size - ring.pendingFrames();
      failed = ring.pendingFrames();
      errno = e.errno();
    }
    long bytes = failed == 0 ? pendingBytes : pendingBytes * sent / size;
    outcome.set(sent, failed, bytes, errno);
    outcome.setSentByRing(sent);
    pendingBytes = 0;
    ringBatch = false;
    if (failed > 0) {
      // The device keeps refusing: what is left is counted as refused, and the ring reopened
      // (empty) at the next check; meanwhile the raw socket sends.
      closeRing();
      setState("raw socket: the ring's send failed with errno " + errno);
    }
  }

  /** At the start of a batch: check the path when due, then pick the ring or the raw socket. */
  private void choosePath() {
    long nowNs = clock.getAsLong();
    if (nowNs - nextRefreshNs >= 0) {
      refresh(nowNs);
    }
    ringBatch = false;
    if (ring == null) {
      return;
    }
    if (confirmNeighbour) {
      confirmNeighbour = false;
      return;
    }
    ringBatch = awaitFreeFrame(nowNs);
  }

  /** The device still holds the next frame only if it is slow to complete: wait a little. */
  private boolean awaitFreeFrame(long nowNs) {
    while (!ring.nextFrameFree()) {
      if (clock.getAsLong() - nowNs > FRAME_WAIT_NS) {
        return false;
      }
      LockSupport.parkNanos(20_000);
    }
    return true;
  }

  private void refresh(long nowNs) {
    nextRefreshNs = nowNs + REFRESH_INTERVAL_NS;
    NextHop found;
    try {
      found = resolver.resolve(socket.collector(), source);
    } catch (ErrnoException e) {
      closeRing();
      setState("raw socket: the route lookup failed: " + e.getMessage());
      return;
    }
    if (!found.usable()) {
      closeRing();
      setState("raw socket: " + found.problem());
      return;
    }
    int largestFrame = headers.bytes() + socket.maxPacketBytes();
    if (found.mtuBytes() + OuterHeaders.ETHERNET_BYTES < largestFrame) {
      closeRing();
      setState(
          "raw socket: packets of up to "
              + (largestFrame - OuterHeaders.ETHERNET_BYTES)
              + " bytes exceed the MTU "
              + found.mtuBytes()
              + " of "
              + found.interfaceName()
              + " (the kernel fragments them)");
      return;
    }
    if (ring != null && hop != null && hop.ifindex() != found.ifindex()) {
      closeRing();
    }
    if (ring == null) {
      try {
        openRing(found.ifindex(), largestFrame);
      } catch (ErrnoException e) {
        setState("raw socket: cannot open the transmit ring: " + e.getMessage());
        return;
      }
    }
    if (!found.sameHeaders(hop)) {
      headers.configure(
          found.neighbourMac(), found.interfaceMac(), found.source(), socket.collector(), hopLimit);
    }
    hop = found;
    confirmNeighbour = found.stale();
    setState("transmit ring: " + found);
  }

  private void openRing(int ifindex, int largestFrame) throws ErrnoException {
    PacketTxRing opened =
        PacketTxRing.open(ifindex, headers.etherType(), largestFrame, RING_FRAMES);
    try {
      opened.setSendBufferSize(SEND_BUFFER_BYTES);
    } catch (ErrnoException e) {
      opened.close();
      throw e;
    }
    PacketSlot[] slots = new PacketSlot[opened.frameCount()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] =
          new PacketSlot(opened.frame(i).asSlice(headers.bytes(), largestFrame - headers.bytes()));
    }
    ring = opened;
    ringSlots = slots;
  }

  private void closeRing() {
    if (ring != null) {
      ring.close();
      ring = null;
      ringSlots = null;
      hop = null;
    }
  }

  private void setState(String state) {
    if (!state.equals(pathState)) {
      LOG.log(
          Level.INFO, "sending to {0} through the {1}", socket.collector().getHostAddress(), state);
      pathState = state;
    }
  }

  @Override
  public String description() {
    return socket.description() + ", " + pathState;
  }

  @Override
  public void close() {
    try {
      closeRing();
    } finally {
      try {
        resolver.close();
      } finally {
        headers.close();
        socket.close();
      }
    }
  }
}
