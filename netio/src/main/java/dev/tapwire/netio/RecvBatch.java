package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Preallocated native memory for one {@code recvmmsg} call: {@code capacity} slots of {@code
 * maxPacketBytes} each, with an {@code mmsghdr}, an {@code iovec} and an address slot per message,
 * and a flyweight over the result. After {@link RawIpSocket#receive} returns {@code n}, slots
 * {@code 0..n-1} hold the packets; reading them allocates nothing.
 *
 * <p>Owned by one thread at a time, like the socket it is used with. The memory is freed by {@link
 * #close}; the batch must not be used afterwards.
 */
public final class RecvBatch implements AutoCloseable {
  private final Arena arena;
  private final int capacity;
  private final int maxPacketBytes;
  private final MemorySegment headers;
  private final MemorySegment names;
  private final MemorySegment[] slots;
  private int count;

  /**
   * Allocates a batch of {@code capacity} messages of at most {@code maxPacketBytes} bytes each
   * (for a raw IPv4 socket that includes the IPv4 header; larger packets are truncated and flagged,
   * see {@link #truncated}).
   */
  public RecvBatch(int capacity, int maxPacketBytes) {
    if (capacity < 1 || capacity > 1024) {
      throw new IllegalArgumentException("capacity must be 1..1024: " + capacity);
    }
    if (maxPacketBytes < 1 || maxPacketBytes > 65_535) {
      throw new IllegalArgumentException("maxPacketBytes must be 1..65535: " + maxPacketBytes);
    }
    this.capacity = capacity;
    this.maxPacketBytes = maxPacketBytes;
    this.arena = Arena.ofShared();
    this.headers = arena.allocate(Structs.MMSGHDR, capacity);
    MemorySegment iovecs = arena.allocate(Structs.IOVEC, capacity);
    this.names = arena.allocate((long) Structs.NAME_SLOT_BYTES * capacity, 8);
    long stride = (maxPacketBytes + 63L) & ~63L;
    MemorySegment buffers = arena.allocate(stride * capacity, 64);
    this.slots = new MemorySegment[capacity];
    long hdr = Structs.MMSGHDR.byteSize();
    long iov = Structs.IOVEC.byteSize();
    for (int i = 0; i < capacity; i++) {
      slots[i] = buffers.asSlice(i * stride, maxPacketBytes);
      iovecs.set(ADDRESS, i * iov + Structs.IOVEC_BASE, slots[i]);
      iovecs.set(JAVA_LONG, i * iov + Structs.IOVEC_LEN, maxPacketBytes);
      headers.set(
          ADDRESS,
          i * hdr + Structs.MMSG_NAME,
          names.asSlice((long) i * Structs.NAME_SLOT_BYTES, Structs.NAME_SLOT_BYTES));
      headers.set(ADDRESS, i * hdr + Structs.MMSG_IOV, iovecs.asSlice(i * iov, iov));
      headers.set(JAVA_LONG, i * hdr + Structs.MMSG_IOVLEN, 1L);
      headers.set(ADDRESS, i * hdr + Structs.MMSG_CONTROL, MemorySegment.NULL);
      headers.set(JAVA_LONG, i * hdr + Structs.MMSG_CONTROLLEN, 0L);
    }
  }

  /** Number of slots. */
  public int capacity() {
    return capacity;
  }

  /** Bytes per slot. */
  public int maxPacketBytes() {
    return maxPacketBytes;
  }

  /** Packets held from the last receive call. */
  public int count() {
    return count;
  }

  /** Length in bytes of packet {@code i} as stored (at most {@link #maxPacketBytes}). */
  public int length(int i) {
    checkIndex(i);
    return headers.get(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_LEN);
  }

  /** Whether packet {@code i} was longer than a slot and cut ({@code MSG_TRUNC}). */
  public boolean truncated(int i) {
    checkIndex(i);
    int flags = headers.get(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_FLAGS);
    return (flags & Libc.MSG_TRUNC) != 0;
  }

  /**
   * The whole slot of packet {@code i} ({@link #maxPacketBytes} long; bytes {@code [0, length(i))}
   * are the packet). The same segment instance is returned every time: no allocation.
   */
  public MemorySegment slot(int i) {
    checkIndex(i);
    return slots[i];
  }

  /** Byte {@code offset} of packet {@code i}, unsigned. */
  public int unsignedByte(int i, int offset) {
    return slot(i).get(JAVA_BYTE, offset) & 0xff;
  }

  /**
   * Copies bytes {@code [from, length(i))} of packet {@code i} into {@code dst} at {@code
   * dstOffset} and returns how many were copied.
   */
  public int copy(int i, int from, byte[] dst, int dstOffset) {
    int n = length(i) - from;
    if (from < 0 || n < 0) {
      throw new IndexOutOfBoundsException("from " + from + " beyond length " + length(i));
    }
    MemorySegment.copy(slots[i], JAVA_BYTE, from, dst, dstOffset, n);
    return n;
  }

  /** The IP family of the source address of packet {@code i}, or {@code null} if not IP. */
  public IpFamily sourceFamily(int i) {
    checkIndex(i);
    return IpFamily.ofAddressFamily(names.get(JAVA_SHORT, (long) i * Structs.NAME_SLOT_BYTES));
  }

  /**
   * Copies the source IP address of packet {@code i} into {@code dst} (at least 16 bytes) and
   * returns its length: 4 (IPv4), 16 (IPv6) or 0 (no IP source).
   */
  public int sourceAddress(int i, byte[] dst) {
    IpFamily family = sourceFamily(i);
    if (family == null) {
      return 0;
    }
    long base = (long) i * Structs.NAME_SLOT_BYTES;
    long offset = family == IpFamily.IPV4 ? Structs.SIN_ADDR : Structs.SIN6_ADDR;
    MemorySegment.copy(names, JAVA_BYTE, base + offset, dst, 0, family.addressBytes());
    return family.addressBytes();
  }

  @Override
  public void close() {
    count = 0;
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }

  /** Resets the per-call fields the kernel overwrites; called before each receive. */
  void prepare() {
    count = 0;
    long hdr = Structs.MMSGHDR.byteSize();
    for (int i = 0; i < capacity; i++) {
      headers.set(JAVA_INT, i * hdr + Structs.MMSG_NAMELEN, Structs.NAME_SLOT_BYTES);
      headers.set(JAVA_INT, i * hdr + Structs.MMSG_FLAGS, 0);
      headers.set(JAVA_INT, i * hdr + Structs.MMSG_LEN, 0);
    }
  }

  void setCount(int n) {
    count = n;
  }

  MemorySegment headers() {
    return headers;
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("packet " + i + " of " + count);
    }
  }
}
