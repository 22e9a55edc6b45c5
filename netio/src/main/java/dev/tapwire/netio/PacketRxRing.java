package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A receive ring shared with the kernel: an {@code AF_PACKET}/{@code SOCK_DGRAM} socket with a
 * {@code TPACKET_V3} {@code PACKET_RX_RING}, bound to one EtherType on one interface or all, with a
 * classic BPF filter. The kernel copies each accepted packet into the current block in its receive
 * path (softirq), without a system call, a copy-out or an skb per packet on the reader's side; the
 * reader is woken once per block, when it is full or its timeout retires it.
 *
 * <p>{@code SOCK_DGRAM}: the link-layer header is removed, so a packet starts at its network header
 * whatever the interface type (Ethernet, loopback, a tunnel device), and a VLAN tag (in-band or
 * offloaded into {@code tp_vlan_tci}) is not part of it. Bound to {@code ETH_P_IP}, the socket
 * hooks only IPv4 packets the host receives: packets it sends ({@code PACKET_OUTGOING}, which is
 * how loopback traffic shows up a second time) reach only {@code ETH_P_ALL} taps, and the filter
 * drops them too.
 *
 * <p>Reading: {@link #nextBlock} returns the packet count of the next block the kernel has handed
 * over (or -1), {@link #nextPacket} walks it, the accessors read the current packet, and {@link
 * #releaseBlock} gives the block back. Nothing allocates. One thread at a time. Needs CAP_NET_RAW.
 *
 * <p>Layouts (linux/if_packet.h): {@code struct tpacket_block_desc} {version, offset_to_priv,
 * tpacket_hdr_v1 {block_status, num_pkts, offset_to_first_pkt, blk_len, seq_num, ts_first_pkt,
 * ts_last_pkt}}; {@code struct tpacket3_hdr} {tp_next_offset, tp_sec, tp_nsec, tp_snaplen, tp_len,
 * tp_status, tp_mac, tp_net, hv1 {tp_rxhash, tp_vlan_tci, tp_vlan_tpid}}, followed at {@code
 * TPACKET_ALIGN(sizeof(tpacket3_hdr))} = 48 by a {@code sockaddr_ll}.
 */
public final class PacketRxRing implements AutoCloseable {
  /** {@code ETH_P_IP}. */
  public static final int ETH_P_IP = 0x0800;

  static final int PACKET_RX_RING = 5;
  static final int PACKET_STATISTICS = 6;
  static final int PACKET_VERSION = 10;
  static final int TPACKET_V3 = 2;
  static final int TP_STATUS_KERNEL = 0;
  static final int TP_STATUS_USER = 1;

  // struct tpacket_block_desc
  static final int BLOCK_STATUS_OFFSET = 8;
  static final int BLOCK_NUM_PKTS_OFFSET = 12;
  static final int BLOCK_FIRST_PKT_OFFSET = 16;

  // struct tpacket3_hdr
  static final int PKT_NEXT_OFFSET = 0;
  static final int PKT_SEC_OFFSET = 4;
  static final int PKT_NSEC_OFFSET = 8;
  static final int PKT_SNAPLEN_OFFSET = 12;
  static final int PKT_LEN_OFFSET = 16;
  static final int PKT_NET_OFFSET = 26;
  static final int PKT_VLAN_TCI_OFFSET = 32;
  static final int PKT_SLL_OFFSET = 48;
  static final int SLL_PKTTYPE_OFFSET = 10;

  /** Minimum frame size the kernel accepts in {@code tpacket_req3} (a multiple of 16). */
  private static final int NOMINAL_FRAME_BYTES = 2_048;

  private static final int REQ3_BYTES = 28;
  private static final int STATS_V3_BYTES = 12;

  private final SocketFd fd;
  private final MemorySegment ring;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment stats = arena.allocate(STATS_V3_BYTES, 4);
  private final MemorySegment statsLength = arena.allocate(JAVA_INT);
  private final int blockBytes;
  private final int blockCount;
  private int block;
  private boolean holding;
  private int remaining;
  private long packetOffset;
  private long nextPacketOffset;
  private long drops;
  private long packetsAccepted;

  private PacketRxRing(SocketFd fd, MemorySegment ring, int blockBytes, int blockCount) {
    this.fd = fd;
    this.ring = ring;
    this.blockBytes = blockBytes;
    this.blockCount = blockCount;
  }

  /**
   * Opens the ring: a socket with no protocol hook yet, the filter, {@code TPACKET_V3}, the ring
   * ({@code blockCount} blocks of {@code blockBytes}, a multiple of the page size; a block not
   * filled within {@code blockTimeoutMs} is handed over anyway), the mapping, then the bind to
   * {@code etherType} on {@code ifindex} (0: every interface), so that no packet is queued before
   * the filter is in place.
   */
  public static PacketRxRing open(
      int ifindex,
      int etherType,
      ClassicBpf filter,
      int blockBytes,
      int blockCount,
      int blockTimeoutMs)
      throws ErrnoException {
    if (ifindex < 0 || blockBytes < 4_096 || blockBytes % 4_096 != 0 || blockCount < 1) {
      throw new IllegalArgumentException(
          "bad ring: ifindex " + ifindex + ", " + blockCount + " x " + blockBytes + " bytes");
    }
    if (blockTimeoutMs < 1) {
      throw new IllegalArgumentException("block timeout must be >= 1 ms: " + blockTimeoutMs);
    }
    String subject = "packet ring ifindex " + ifindex;
    SocketFd fd = SocketFd.open(Libc.AF_PACKET, Libc.SOCK_DGRAM, 0, subject);
    MemorySegment mapping = null;
    try {
      filter.attachTo(fd, subject);
      fd.setInt(Libc.SOL_PACKET, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION");
      MemorySegment req = fd.scratch().asSlice(0, REQ3_BYTES);
      req.fill((byte) 0);
      req.set(JAVA_INT, 0, blockBytes); // tp_block_size
      req.set(JAVA_INT, 4, blockCount); // tp_block_nr
      req.set(JAVA_INT, 8, NOMINAL_FRAME_BYTES); // tp_frame_size
      req.set(JAVA_INT, 12, blockBytes / NOMINAL_FRAME_BYTES * blockCount); // tp_frame_nr
      req.set(JAVA_INT, 16, blockTimeoutMs); // tp_retire_blk_tov
      fd.setBytes(Libc.SOL_PACKET, PACKET_RX_RING, req, "PACKET_RX_RING");
      mapping =
          MappedMemory.mapShared(fd.callState(), fd.fd(), (long) blockBytes * blockCount, subject);
      MemorySegment sll = fd.scratch().asSlice(0, Structs.SOCKADDR_LL.byteSize());
      sll.fill((byte) 0);
      sll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      sll.set(JAVA_SHORT, Structs.SLL_PROTOCOL, Short.reverseBytes((short) etherType));
      sll.set(JAVA_INT, Structs.SLL_IFINDEX, ifindex);
      fd.bind(sll, (int) sll.byteSize(), subject);
    } catch (ErrnoException | RuntimeException e) {
      if (mapping != null) {
        try {
          MappedMemory.unmap(fd.callState(), mapping);
        } catch (ErrnoException unmapping) {
          e.addSuppressed(unmapping);
        }
      }
      RawIpSocket.closeQuietly(fd, e);
      throw e;
    }
    return new PacketRxRing(fd, mapping, blockBytes, blockCount);
  }

  /**
   * If the kernel has handed over the next block, makes it current and returns its packet count
   * (possibly 0); else -1. A current block must be released before the next is taken.
   */
  public int nextBlock() {
    if (holding) {
      throw new IllegalStateException("release the current block first");
    }
    long base = (long) block * blockBytes;
    int status = ring.get(JAVA_INT, base + BLOCK_STATUS_OFFSET);
    if ((status & TP_STATUS_USER) == 0) {
      return -1;
    }
    VarHandle.acquireFence(); // read the packets only after seeing the status
    holding = true;
    remaining = ring.get(JAVA_INT, base + BLOCK_NUM_PKTS_OFFSET);
    nextPacketOffset = base + (ring.get(JAVA_INT, base + BLOCK_FIRST_PKT_OFFSET) & 0xffffffffL);
    return remaining;
  }

  /** Moves to the next packet of the current block; false when there is none left. */
  public boolean nextPacket() {
    if (remaining <= 0) {
      return false;
    }
    remaining--;
    packetOffset = nextPacketOffset;
    nextPacketOffset =
        packetOffset + (ring.get(JAVA_INT, packetOffset + PKT_NEXT_OFFSET) & 0xffffffffL);
    return true;
  }

  /** Gives the current block back to the kernel and moves to the next one. */
  public void releaseBlock() {
    VarHandle.releaseFence(); // every read of the block happens before the kernel reuses it
    ring.set(JAVA_INT, (long) block * blockBytes + BLOCK_STATUS_OFFSET, TP_STATUS_KERNEL);
    block = block + 1 == blockCount ? 0 : block + 1;
    remaining = 0;
    holding = false;
  }

  /** The whole mapping; the current packet is at {@link #dataOffset}. */
  public MemorySegment memory() {
    return ring;
  }

  /** Where the current packet's network header starts in {@link #memory}. */
  public long dataOffset() {
    return packetOffset + (ring.get(JAVA_SHORT, packetOffset + PKT_NET_OFFSET) & 0xffff);
  }

  /** Bytes of the current packet in the ring, from the network header. */
  public int capturedLength() {
    return ring.get(JAVA_INT, packetOffset + PKT_SNAPLEN_OFFSET);
  }

  /** Length of the current packet as received; more than {@link #capturedLength} if cut. */
  public int wireLength() {
    return ring.get(JAVA_INT, packetOffset + PKT_LEN_OFFSET);
  }

  /** Receive time of the current packet (the kernel's timestamp), epoch ns. */
  public long timestampNs() {
    long seconds = ring.get(JAVA_INT, packetOffset + PKT_SEC_OFFSET) & 0xffffffffL;
    long nanos = ring.get(JAVA_INT, packetOffset + PKT_NSEC_OFFSET) & 0xffffffffL;
    return seconds * 1_000_000_000L + nanos;
  }

  /**
   * {@code sll_pkttype} of the current packet ({@code PACKET_HOST} = 0, ... {@code OUTGOING} = 4).
   */
  public int packetType() {
    return ring.get(JAVA_BYTE, packetOffset + PKT_SLL_OFFSET + SLL_PKTTYPE_OFFSET) & 0xff;
  }

  /** The VLAN tag the device removed from the current packet ({@code tp_vlan_tci}), or 0. */
  public int vlanTci() {
    return ring.get(JAVA_INT, packetOffset + PKT_VLAN_TCI_OFFSET);
  }

  /**
   * Reads {@code PACKET_STATISTICS} (which resets the kernel's counters) and adds to the totals:
   * returns packets dropped because the ring was full, since the ring was opened.
   */
  public long drops() throws ErrnoException {
    statsLength.set(JAVA_INT, 0, STATS_V3_BYTES);
    Libc.getsockopt(
        fd.callState(),
        fd.fd(),
        Libc.SOL_PACKET,
        PACKET_STATISTICS,
        stats,
        statsLength,
        "PACKET_STATISTICS");
    packetsAccepted += stats.get(JAVA_INT, 0) & 0xffffffffL; // tp_packets, tp_drops included
    drops += stats.get(JAVA_INT, 4) & 0xffffffffL; // tp_drops
    return this.drops;
  }

  /** Packets the filter accepted (copied or dropped), as of the last {@link #drops} call. */
  public long packetsAccepted() {
    return packetsAccepted;
  }

  /** Waits up to {@code timeoutMs} until a block is handed over; false on timeout or signal. */
  public boolean waitReadable(int timeoutMs) throws ErrnoException {
    return fd.pollReadable(timeoutMs);
  }

  /** Bytes of the ring. */
  public long ringBytes() {
    return ring.byteSize();
  }

  @Override
  public void close() throws ErrnoException {
    if (!fd.isOpen()) {
      return;
    }
    if (holding) {
      releaseBlock();
    }
    try {
      MappedMemory.unmap(fd.callState(), ring);
    } finally {
      try {
        fd.close();
      } finally {
        arena.close();
      }
    }
  }

  @Override
  public String toString() {
    return fd + " ring " + blockCount + " x " + blockBytes + " bytes";
  }
}
