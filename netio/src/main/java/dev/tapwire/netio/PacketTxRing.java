package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A transmit ring ({@code PACKET_TX_RING}, {@code TPACKET_V2}) on a transmit-only {@code
 * AF_PACKET}/{@code SOCK_RAW} socket: complete Ethernet frames are written straight into memory
 * shared with the kernel and a whole batch goes out with one {@code sendto}, with no copy through a
 * system call and no per-packet route lookup or IP output path. The caller builds every header.
 *
 * <p>Use: {@link #nextFrame} gives the buffer of the next free ring frame (or null while the kernel
 * still holds it), {@link #commit} marks it for sending, {@link #send} hands every committed frame
 * to the device queue and reports how many went. A frame the device refuses ({@code ENOBUFS} when a
 * queue is full, {@code ENETDOWN}) stays committed and is retried by the next {@link #send}; a
 * caller that gives up counts {@link #pendingFrames} as lost and closes the ring.
 *
 * <p>Frames go through the queueing discipline, so packet sockets on the interface (tcpdump,
 * libpcap) see them as outgoing packets, as they see a raw socket's. Protocol 0: the socket
 * receives nothing. Owned by one thread; needs CAP_NET_RAW.
 *
 * <p>Layout (linux/if_packet.h): each frame starts with a 32-byte {@code struct tpacket2_hdr}
 * ({@code tp_status} at 0, {@code tp_len} at 4) and, without {@code PACKET_TX_HAS_OFF}, the frame's
 * bytes follow at {@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)} = 32.
 */
public final class PacketTxRing implements AutoCloseable {
  static final int PACKET_VERSION = 10;
  static final int PACKET_TX_RING = 13;
  static final int TPACKET_V2 = 1;
  static final int TP_STATUS_AVAILABLE = 0;
  static final int TP_STATUS_SEND_REQUEST = 1;
  static final int TP_STATUS_WRONG_FORMAT = 4;
  static final int TP_LEN_OFFSET = 4;
  static final int DATA_OFFSET = 32;
  static final int PAGE_BYTES = 4096;
  static final int TARGET_BLOCK_BYTES = 64 * 1024;

  /** Calls of {@code sendto} per {@link #send} before frames left over are reported as pending. */
  private static final int SEND_ATTEMPTS = 4;

  private static final VarHandle STATUS = JAVA_INT.varHandle();

  private final SocketFd fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment mapping;
  private final MemorySegment[] headers;
  private final MemorySegment[] frames;
  private final MemorySegment address;
  private final int maxFrameBytes;
  private int next;
  private int firstPending;
  private int pending;
  private int lastErrno;
  private boolean closed;

  private PacketTxRing(
      SocketFd fd,
      MemorySegment mapping,
      int frameBytes,
      int framesPerBlock,
      int blockBytes,
      int frameCount,
      int maxFrameBytes,
      int ifindex,
      int etherType) {
    this.fd = fd;
    this.mapping = mapping;
    this.maxFrameBytes = maxFrameBytes;
    this.headers = new MemorySegment[frameCount];
    this.frames = new MemorySegment[frameCount];
    for (int i = 0; i < frameCount; i++) {
      long offset =
          (long) (i / framesPerBlock) * blockBytes + (long) (i % framesPerBlock) * frameBytes;
      headers[i] = mapping.asSlice(offset, DATA_OFFSET);
      frames[i] = mapping.asSlice(offset + DATA_OFFSET, maxFrameBytes);
    }
    this.address = arena.allocate(Structs.SOCKADDR_LL);
    address.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
    address.set(
        JAVA_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
        Structs.SLL_PROTOCOL,
        (short) etherType);
    address.set(JAVA_INT, Structs.SLL_IFINDEX, ifindex);
    address.set(JAVA_BYTE, SLL_HALEN_OFFSET, (byte) 6);
  }

  private static final long SLL_HALEN_OFFSET = 11;

  /**
   * Opens a ring of at least {@code frameCount} frames of up to {@code maxFrameBytes} each
   * (Ethernet header included) on interface {@code ifindex}; every frame is sent with EtherType
   * {@code etherType} as its protocol (0x0800 or 0x86DD).
   */
  public static PacketTxRing open(int ifindex, int etherType, int maxFrameBytes, int frameCount)
      throws ErrnoException {
    if (ifindex <= 0) {
      throw new IllegalArgumentException("interface index must be > 0: " + ifindex);
    }
    if (maxFrameBytes < 60 || maxFrameBytes > 65_535 || frameCount < 1 || frameCount > 65_536) {
      throw new IllegalArgumentException(
          "bad ring geometry: " + frameCount + " frames of " + maxFrameBytes + " bytes");
    }
    int frameBytes = (DATA_OFFSET + maxFrameBytes + 15) & ~15;
    int blockBytes =
        roundUpToPage(Math.max(frameBytes, TARGET_BLOCK_BYTES / frameBytes * frameBytes));
    int framesPerBlock = blockBytes / frameBytes;
    int blocks = (frameCount + framesPerBlock - 1) / framesPerBlock;
    int frames = blocks * framesPerBlock;
    String subject = "packet TX ring ifindex " + ifindex;
    SocketFd fd = SocketFd.open(Libc.AF_PACKET, Libc.SOCK_RAW, 0, subject);
    try {
      MemorySegment sll = fd.scratch().asSlice(0, Structs.SOCKADDR_LL.byteSize());
      sll.fill((byte) 0);
      sll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      sll.set(JAVA_INT, Structs.SLL_IFINDEX, ifindex);
      fd.bind(sll, (int) sll.byteSize(), subject);
      fd.setInt(Libc.SOL_PACKET, PACKET_VERSION, TPACKET_V2, "PACKET_VERSION");
      MemorySegment request = fd.scratch().asSlice(0, 16);
      request.set(JAVA_INT, 0, blockBytes);
      request.set(JAVA_INT, 4, blocks);
      request.set(JAVA_INT, 8, frameBytes);
      request.set(JAVA_INT, 12, frames);
      fd.setBytes(Libc.SOL_PACKET, PACKET_TX_RING, request, "PACKET_TX_RING");
      MemorySegment mapping =
          TxRingCalls.mapShared(fd.callState(), fd.fd(), (long) blockBytes * blocks, subject);
      return new PacketTxRing(
          fd,
          mapping,
          frameBytes,
          framesPerBlock,
          blockBytes,
          frames,
          maxFrameBytes,
          ifindex,
          etherType);
    } catch (ErrnoException | RuntimeException e) {
      RawIpSocket.closeQuietly(fd, e);
      throw e;
    }
  }

  private static int roundUpToPage(int bytes) {
    return (bytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
  }

  /** Frames in the ring (at least the number asked for). */
  public int frameCount() {
    return frames.length;
  }

  /** Largest frame, Ethernet header included. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Sets the send buffer (see {@link RawIpSocket#setSendBufferSize}), which bounds the bytes in
   * flight between {@link #send} and the device; returns the kernel's value.
   */
  public int setSendBufferSize(int bytes) throws ErrnoException {
    return fd.setBufferSize(Libc.SO_SNDBUF, Libc.SO_SNDBUFFORCE, bytes, "SO_SNDBUF");
  }

  /**
   * The buffer ({@link #maxFrameBytes} long) of the ring frame at {@code index}: the same instance
   * every time, for callers that wrap each frame once.
   */
  public MemorySegment frame(int index) {
    return frames[index];
  }

  /** The index of the frame {@link #nextFrame} and {@link #commit} use. */
  public int nextIndex() {
    return next;
  }

  /**
   * Whether the next frame is free: the kernel has finished with it (or never had it), and fewer
   * than all frames are committed.
   */
  public boolean nextFrameFree() {
    return pending < frames.length && status(next) == TP_STATUS_AVAILABLE;
  }

  /** The next free frame's buffer, or null if the kernel still holds it. */
  public MemorySegment nextFrame() {
    return nextFrameFree() ? frames[next] : null;
  }

  /** Marks the frame from {@link #nextFrame}, holding {@code length} bytes, for sending. */
  public void commit(int length) {
    if (length < 14 || length > maxFrameBytes) {
      throw new IllegalArgumentException(
          "frame of " + length + " bytes outside 14.." + maxFrameBytes);
    }
    if (!nextFrameFree()) {
      throw new IllegalStateException("frame " + next + " is not free");
    }
    MemorySegment header = headers[next];
    header.set(JAVA_INT, TP_LEN_OFFSET, length);
    // The length must be visible before the kernel can see the frame requested.
    STATUS.setRelease(header, 0L, TP_STATUS_SEND_REQUEST);
    if (pending == 0) {
      firstPending = next;
    }
    pending++;
    next = next + 1 == frames.length ? 0 : next + 1;
  }

  /** Frames committed and not yet accepted by the device. */
  public int pendingFrames() {
    return pending;
  }

  /** The {@code errno} of the last refused {@code sendto} (the frame stays pending), or 0. */
  public int lastErrno() {
    return lastErrno;
  }

  /**
   * Hands every committed frame to the device queue ({@code sendto} with {@code MSG_DONTWAIT}, a
   * few times if the kernel stops early) and returns how many it accepted. Those it refused stay in
   * {@link #pendingFrames}, in order, for the next call.
   *
   * @throws ErrnoException on a failure of the socket itself (bad descriptor, bad arguments)
   */
  public int send() throws ErrnoException {
    lastErrno = 0;
    int accepted = 0;
    for (int attempt = 0; attempt < SEND_ATTEMPTS && pending > 0; attempt++) {
      long rc =
          Libc.sendto(
              fd.callState(),
              fd.fd(),
              MemorySegment.NULL,
              0,
              Libc.MSG_DONTWAIT,
              address,
              (int) address.byteSize());
      if (rc < 0) {
        int errno = (int) -rc;
        if (Errno.isFatal(errno) && errno != Errno.EINVAL) {
          throw new ErrnoException("sendto", fd.toString(), errno);
        }
        lastErrno = errno;
      }
      accepted += takeAccepted();
    }
    return accepted;
  }

  /** Moves past the committed frames the kernel has taken (a prefix, in ring order). */
  private int takeAccepted() {
    int taken = 0;
    while (pending > 0) {
      int s = status(firstPending);
      if (s == TP_STATUS_SEND_REQUEST || (s & TP_STATUS_WRONG_FORMAT) != 0) {
        break;
      }
      taken++;
      pending--;
      firstPending = firstPending + 1 == frames.length ? 0 : firstPending + 1;
    }
    return taken;
  }

  private int status(int index) {
    return (int) STATUS.getAcquire(headers[index], 0L);
  }

  /** Unmaps the ring and closes the socket; frames still pending are never sent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      TxRingCalls.unmap(mapping);
    } finally {
      try {
        fd.close();
      } catch (ErrnoException e) {
        // Nothing left to do with a socket that fails to close.
      } finally {
        arena.close();
      }
    }
  }

  @Override
  public String toString() {
    return fd.toString() + ", " + frames.length + " frames of " + maxFrameBytes + " B";
  }
}
