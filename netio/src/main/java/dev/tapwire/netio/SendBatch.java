package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Preallocated native memory for one {@code sendmmsg} call: up to {@code capacity} packets of at
 * most {@code maxPacketBytes}, each with an optional destination. Fill it with {@link #add} (copies
 * the bytes) or {@link #nextSlot}/{@link #commit} (encode in place), hand it to a socket's {@code
 * send}, then read the outcome ({@link #sent}, {@link #failed}, {@link #lastErrno}) and {@link
 * #clear} it. Nothing here allocates once constructed.
 *
 * <p>Owned by one thread at a time. Freed by {@link #close}.
 */
public final class SendBatch implements AutoCloseable {
  private final Arena arena;
  private final int capacity;
  private final int maxPacketBytes;
  private final MemorySegment headers;
  private final MemorySegment iovecs;
  private final MemorySegment[] slots;
  private final MemorySegment[] nameSlots;
  private final MemorySegment[] headerFrom;
  private final int[] failedIndexes;
  private final int[] failedErrnos;
  private int size;
  private int sent;
  private int failed;
  private int lastErrno;

  /** Allocates a batch of {@code capacity} packets of at most {@code maxPacketBytes} each. */
  public SendBatch(int capacity, int maxPacketBytes) {
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
    this.iovecs = arena.allocate(Structs.IOVEC, capacity);
    MemorySegment names = arena.allocate((long) Structs.NAME_SLOT_BYTES * capacity, 8);
    long stride = (maxPacketBytes + 63L) & ~63L;
    MemorySegment buffers = arena.allocate(stride * capacity, 64);
    this.slots = new MemorySegment[capacity];
    this.nameSlots = new MemorySegment[capacity];
    this.headerFrom = new MemorySegment[capacity];
    this.failedIndexes = new int[capacity];
    this.failedErrnos = new int[capacity];
    long hdr = Structs.MMSGHDR.byteSize();
    long iov = Structs.IOVEC.byteSize();
    for (int i = 0; i < capacity; i++) {
      slots[i] = buffers.asSlice(i * stride, maxPacketBytes);
      nameSlots[i] = names.asSlice((long) i * Structs.NAME_SLOT_BYTES, Structs.NAME_SLOT_BYTES);
      headerFrom[i] = headers.asSlice(i * hdr);
      iovecs.set(ADDRESS, i * iov + Structs.IOVEC_BASE, slots[i]);
      headers.set(ADDRESS, i * hdr + Structs.MMSG_IOV, iovecs.asSlice(i * iov, iov));
      headers.set(JAVA_LONG, i * hdr + Structs.MMSG_IOVLEN, 1L);
      headers.set(ADDRESS, i * hdr + Structs.MMSG_CONTROL, MemorySegment.NULL);
      headers.set(JAVA_LONG, i * hdr + Structs.MMSG_CONTROLLEN, 0L);
    }
  }

  /** Maximum number of packets. */
  public int capacity() {
    return capacity;
  }

  /** Maximum bytes per packet. */
  public int maxPacketBytes() {
    return maxPacketBytes;
  }

  /** Packets added since the last {@link #clear}. */
  public int size() {
    return size;
  }

  /** Whether no more packets fit. */
  public boolean isFull() {
    return size == capacity;
  }

  /** Empties the batch and resets the outcome of the last send. */
  public void clear() {
    size = 0;
    sent = 0;
    failed = 0;
    lastErrno = 0;
  }

  /**
   * Appends a copy of {@code src[offset, offset+length)} addressed to {@code destination} ({@code
   * null} for a socket that needs none, such as a bound {@link PacketSocket}).
   *
   * @throws IllegalStateException if the batch is full
   * @throws IllegalArgumentException if {@code length} exceeds {@link #maxPacketBytes}
   */
  public SendBatch add(byte[] src, int offset, int length, SockAddr destination) {
    checkLength(length);
    MemorySegment.copy(src, offset, nextSlot(), JAVA_BYTE, 0, length);
    commit(length, destination);
    return this;
  }

  /** Appends a copy of {@code src} (all of it) addressed to {@code destination} (or null). */
  public SendBatch add(MemorySegment src, SockAddr destination) {
    checkLength(src.byteSize());
    nextSlot().copyFrom(src);
    commit((int) src.byteSize(), destination);
    return this;
  }

  /**
   * The slot the next packet goes into, {@link #maxPacketBytes} long, for encoding in place; finish
   * with {@link #commit}. The same instance is returned for a slot every time.
   *
   * @throws IllegalStateException if the batch is full
   */
  public MemorySegment nextSlot() {
    if (size == capacity) {
      throw new IllegalStateException("batch full: " + capacity + " packets");
    }
    return slots[size];
  }

  /** Adds the packet written into {@link #nextSlot()}: its length and destination (or null). */
  public void commit(int length, SockAddr destination) {
    checkLength(length);
    if (size == capacity) {
      throw new IllegalStateException("batch full: " + capacity + " packets");
    }
    long hdr = size * Structs.MMSGHDR.byteSize();
    iovecs.set(JAVA_LONG, size * Structs.IOVEC.byteSize() + Structs.IOVEC_LEN, length);
    if (destination == null) {
      headers.set(ADDRESS, hdr + Structs.MMSG_NAME, MemorySegment.NULL);
      headers.set(JAVA_INT, hdr + Structs.MMSG_NAMELEN, 0);
    } else {
      destination.copyTo(nameSlots[size], 0);
      headers.set(ADDRESS, hdr + Structs.MMSG_NAME, nameSlots[size]);
      headers.set(JAVA_INT, hdr + Structs.MMSG_NAMELEN, destination.length());
    }
    headers.set(JAVA_INT, hdr + Structs.MMSG_FLAGS, 0);
    size++;
  }

  /** Packets the kernel accepted in the last send. */
  public int sent() {
    return sent;
  }

  /** Packets the kernel refused in the last send (each skipped; see {@link #lastErrno}). */
  public int failed() {
    return failed;
  }

  /** The {@code errno} of the last refused packet, or 0. */
  public int lastErrno() {
    return lastErrno;
  }

  /**
   * The index (order of {@link #add}) of the {@code k}-th packet the kernel refused in the last
   * send, {@code 0 <= k < failed()}.
   */
  public int failedIndex(int k) {
    checkFailure(k);
    return failedIndexes[k];
  }

  /** The {@code errno} that refused the {@code k}-th refused packet of the last send. */
  public int failedErrno(int k) {
    checkFailure(k);
    return failedErrnos[k];
  }

  private void checkFailure(int k) {
    if (k < 0 || k >= failed) {
      throw new IndexOutOfBoundsException("refused packet " + k + " of " + failed);
    }
  }

  @Override
  public void close() {
    size = 0;
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }

  /** The {@code mmsghdr} array starting at message {@code i}. */
  MemorySegment headersFrom(int i) {
    return headerFrom[i];
  }

  void recordFailure(int k, int index, int errno) {
    failedIndexes[k] = index;
    failedErrnos[k] = errno;
  }

  void recordOutcome(int sentCount, int failedCount, int errno) {
    sent = sentCount;
    failed = failedCount;
    lastErrno = errno;
  }

  private void checkLength(long length) {
    if (length < 0 || length > maxPacketBytes) {
      throw new IllegalArgumentException(
          "packet of " + length + " bytes does not fit a " + maxPacketBytes + "-byte slot");
    }
  }
}
