package dev.tapwire.collector.receive;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.netio.ClassicBpf;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.PacketRxRing;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.runtime.work.IdleStrategy;
import dev.tapwire.runtime.work.SpscQueue;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;

/**
 * Receives raw GRE over IPv4 through a {@code TPACKET_V3} ring ({@link PacketRxRing}) on every
 * interface, filtered in the kernel to IPv4 protocol 47 sent to the listen address (any local
 * address for the wildcard), and copies each packet once, from its outer IPv4 header, into a pooled
 * {@link Frame} for the decode stage. The kernel fills the ring in its receive path; this thread is
 * woken once per block (full, or retired after {@link #BLOCK_TIMEOUT_MS}) instead of once per few
 * packets, and pays no per-packet system call, copy-out or socket-buffer free.
 *
 * <p>The ring sees packets before IP reassembly: fragments of a large GRE packet arrive one by one
 * and the decode stage reassembles them. A raw GRE socket stays open with a drop-all filter, only
 * so that the kernel does not answer GRE with ICMP protocol-unreachable; it queues nothing. Packets
 * the kernel could not place in a full ring are read from {@code PACKET_STATISTICS} into {@link
 * ReceiveCounters#kernelDrops}. One thread; the sockets are closed on it ({@link #onClose}).
 */
public final class RingGreReceiver implements GreReceiver {
  /** One block: 1 MiB holds ~5,000 packets of 64-byte frames, ~680 of 1518-byte ones. */
  public static final int BLOCK_BYTES = 1 << 20;

  /** 64 blocks = 64 MiB, the kernel buffer tcpdump gets with {@code -B 65536}. */
  public static final int BLOCKS = 64;

  /** A block that is not full is handed over after this long, bounding the added latency. */
  public static final int BLOCK_TIMEOUT_MS = 4;

  /** Packets per {@link #doWork}, so that a stage sharing the thread runs between two batches. */
  public static final int BATCH_PACKETS = 256;

  private static final long STATISTICS_PERIOD_NS = 100_000_000L;

  private final RawIpSocket guard;
  private final PacketRxRing ring;
  private final FrameHandoff handoff;
  private final int receiverIndex;
  private final String roleName;
  private long nextStatisticsNs = Long.MIN_VALUE;
  private boolean inBlock;
  private volatile boolean open = true;

  private RingGreReceiver(
      RawIpSocket guard, PacketRxRing ring, FrameHandoff handoff, int receiverIndex) {
    this.guard = guard;
    this.ring = ring;
    this.handoff = handoff;
    this.receiverIndex = receiverIndex;
    this.roleName = "collector-rx-" + handoff.counters().name();
  }

  /**
   * Opens the guard socket (bound to {@code listen} unless it is the wildcard) and the ring, in the
   * calling thread's network namespace. Needs CAP_NET_RAW.
   *
   * @throws ErrnoException when either cannot be opened (the caller may fall back to {@link
   *     RawGreReceiver})
   */
  public static RingGreReceiver open(
      Inet4Address listen,
      FramePools pools,
      SpscQueue<Frame> queue,
      ReceiveCounters counters,
      int receiverIndex)
      throws ErrnoException {
    RawIpSocket guard = RawIpSocket.openGre(IpFamily.IPV4);
    PacketRxRing ring = null;
    try {
      if (!listen.isAnyLocalAddress()) {
        guard.bind(listen);
      }
      guard.discardAll();
      byte[] destination = listen.isAnyLocalAddress() ? null : listen.getAddress();
      ring =
          PacketRxRing.open(
              0,
              PacketRxRing.ETH_P_IP,
              ClassicBpf.ipv4Protocol(RawIpSocket.IPPROTO_GRE, destination),
              BLOCK_BYTES,
              BLOCKS,
              BLOCK_TIMEOUT_MS);
    } catch (ErrnoException | RuntimeException e) {
      try {
        guard.close();
      } catch (ErrnoException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return new RingGreReceiver(
        guard, ring, new FrameHandoff(pools, queue, counters), receiverIndex);
  }

  /**
   * Copies and hands off up to {@link #BATCH_PACKETS} packets of the current block, releasing it to
   * the kernel when done; never waits (the thread's idle strategy does, see {@link #idleStrategy}).
   */
  @Override
  public int doWork(long nowNs) throws ErrnoException {
    if (nowNs - nextStatisticsNs >= 0 || nextStatisticsNs == Long.MIN_VALUE) {
      nextStatisticsNs = nowNs + STATISTICS_PERIOD_NS;
      handoff.counters().kernelDrops.set(ring.drops());
    }
    if (!inBlock) {
      if (ring.nextBlock() < 0) {
        return 0;
      }
      inBlock = true;
    }
    int packets = 0;
    while (packets < BATCH_PACKETS && ring.nextPacket()) {
      receiveOne();
      packets++;
    }
    if (packets < BATCH_PACKETS) {
      ring.releaseBlock();
      inBlock = false;
    }
    return Math.max(packets, 1); // an empty block is work too: it was released
  }

  /**
   * What the thread does when {@link #doWork} found nothing: sleeps in {@code poll} until the
   * kernel hands over a block or {@code maxWaitMs} passes (shorter when other stages share the
   * thread and need to run). No spinning or yielding: the ring holds what arrives meanwhile.
   */
  public IdleStrategy idleStrategy(int maxWaitMs) {
    return workCount -> {
      if (workCount == 0) {
        try {
          ring.waitReadable(maxWaitMs);
        } catch (ErrnoException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
    };
  }

  private void receiveOne() {
    int length = ring.capturedLength();
    if (length < ring.wireLength()) {
      ReceiveCounters counters = handoff.counters();
      counters.packets.increment();
      counters.droppedTruncated.increment();
      return;
    }
    Frame frame = handoff.take(length);
    if (frame == null) {
      return;
    }
    MemorySegment.copy(ring.memory(), ring.dataOffset(), frame.segment(), 0, length);
    frame.packetLength = length;
    frame.receiveTimeNs = ring.timestampNs();
    frame.receiverIndex = receiverIndex;
    frame.origin = Frame.ORIGIN_RAW_IPV4;
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
    if (inBlock) {
      while (ring.nextPacket()) {
        receiveOne();
      }
      ring.releaseBlock();
      inBlock = false;
    }
    try {
      handoff.counters().kernelDrops.set(ring.drops());
    } catch (ErrnoException e) {
      // The last statistics are lost with the socket; the earlier ones stay counted.
    }
    try {
      ring.close();
    } catch (ErrnoException e) {
      // Closing cannot lose data; nothing to report beyond the stop.
    }
    try {
      guard.close();
    } catch (ErrnoException e) {
      // As above.
    }
  }
}
