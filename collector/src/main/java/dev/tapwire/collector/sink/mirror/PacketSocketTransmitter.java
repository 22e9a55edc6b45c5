package dev.tapwire.collector.sink.mirror;

import dev.tapwire.netio.Errno;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.SendBatch;
import java.lang.foreign.MemorySegment;

/**
 * Transmits through a protocol-0 {@code AF_PACKET} socket bound to the NIC (it receives nothing),
 * with one {@code sendmmsg} per batch. Each frame is copied from its pooled slot into the batch's
 * own memory: {@link SendBatch} iovecs point at its slots, and a copy of 1.5 KB costs tens of
 * nanoseconds against microseconds for the system call, while it lets the frame go back to its pool
 * before the call.
 */
public final class PacketSocketTransmitter implements FrameTransmitter {
  static final int SEND_BUFFER_BYTES = 4 << 20;

  private final PacketSocket socket;
  private final SendBatch batch;
  private final int[] failedIndexes;
  private final int[] failedErrnos;
  private int lastFailed;

  /** Takes ownership of {@code socket}. */
  public PacketSocketTransmitter(PacketSocket socket, int batchCapacity, int maxFrameBytes) {
    this.socket = socket;
    this.batch = new SendBatch(batchCapacity, maxFrameBytes);
    this.failedIndexes = new int[batchCapacity];
    this.failedErrnos = new int[batchCapacity];
  }

  /** Opens a transmit-only packet socket on {@code ifindex} (this thread's namespace). */
  public static PacketSocketTransmitter open(int ifindex, int batchCapacity, int maxFrameBytes)
      throws ErrnoException {
    PacketSocket socket = PacketSocket.openTransmitOnly(ifindex);
    try {
      socket.setSendBufferSize(SEND_BUFFER_BYTES);
    } catch (ErrnoException e) {
      // CAP_NET_ADMIN may be missing for SO_SNDBUFFORCE: the default buffer still works
    }
    return new PacketSocketTransmitter(socket, batchCapacity, maxFrameBytes);
  }

  @Override
  public String method() {
    return "af_packet";
  }

  @Override
  public int batchCapacity() {
    return batch.capacity();
  }

  @Override
  public int maxFrameBytes() {
    return batch.maxPacketBytes();
  }

  @Override
  public int pending() {
    return batch.size();
  }

  @Override
  public void add(MemorySegment memory, long offset, int length) {
    MemorySegment slot = batch.nextSlot();
    MemorySegment.copy(memory, offset, slot, 0, length);
    batch.commit(length, null);
  }

  @Override
  public int send() {
    if (batch.size() == 0) {
      lastFailed = 0;
      return 0;
    }
    try {
      socket.send(batch);
    } catch (ErrnoException e) {
      // EBADF, EFAULT...: the socket is unusable; stopping the worker reports it unhealthy
      throw new IllegalStateException("mirror NIC socket failed: " + e.getMessage(), e);
    }
    int sent = batch.sent();
    lastFailed = batch.failed();
    for (int k = 0; k < lastFailed; k++) {
      failedIndexes[k] = batch.failedIndex(k);
      failedErrnos[k] = batch.failedErrno(k);
    }
    batch.clear();
    return sent;
  }

  @Override
  public int lastFailed() {
    return lastFailed;
  }

  @Override
  public int failedIndex(int k) {
    check(k);
    return failedIndexes[k];
  }

  @Override
  public String failedReason(int k) {
    check(k);
    return reasonOf(failedErrnos[k]);
  }

  private void check(int k) {
    if (k < 0 || k >= lastFailed) {
      throw new IndexOutOfBoundsException("refused frame " + k + " of " + lastFailed);
    }
  }

  static String reasonOf(int errno) {
    return switch (errno) {
      case Errno.ENOBUFS, Errno.EAGAIN -> MirrorSinkCounters.NIC_QUEUE_FULL;
      case Errno.EMSGSIZE -> MirrorSinkCounters.FRAME_TOO_LONG;
      case Errno.ENETDOWN, Errno.ENXIO, Errno.ENODEV -> MirrorSinkCounters.LINK_DOWN;
      default -> MirrorSinkCounters.SEND_ERROR;
    };
  }

  @Override
  public void close() {
    batch.close();
    try {
      socket.close();
    } catch (ErrnoException e) {
      // closing a packet socket cannot lose data
    }
  }
}
