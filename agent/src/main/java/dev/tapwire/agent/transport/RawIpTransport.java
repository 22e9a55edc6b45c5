package dev.tapwire.agent.transport;

import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.netio.SockAddr;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Tunnel packets on a raw IP socket (netio, {@code SOCK_RAW} for protocol 47 or 17), sent in
 * batches with {@code sendmmsg}. The kernel builds the outer IP header, routes and fragments; no
 * Ethernet header is built here. Packets are encoded in place in the batch's native slots.
 *
 * <p>The socket is never read, yet the kernel gives every raw socket a copy of each arriving packet
 * of its protocol: its receive buffer is set to the minimum so those copies cost no memory.
 */
public final class RawIpTransport implements Transport {
  /** Packets per {@code sendmmsg}. */
  public static final int BATCH_PACKETS = 64;

  private static final int SEND_BUFFER_BYTES = 4 << 20;

  private final RawIpSocket socket;
  private final SendBatch batch;
  private final SockAddr destination;
  private final InetAddress collector;
  private final PacketSlot[] slots;
  private final String description;
  private long pendingBytes;

  private RawIpTransport(
      RawIpSocket socket,
      SendBatch batch,
      InetAddress collector,
      SockAddr destination,
      String description) {
    this.socket = socket;
    this.collector = collector;
    this.batch = batch;
    this.destination = destination;
    this.description = description;
    this.slots = new PacketSlot[batch.capacity()];
  }

  /**
   * Opens the socket (needs CAP_NET_RAW) in the calling thread's network namespace.
   *
   * @param collector destination address
   * @param source local address to bind (fixes the source), or null to let routing choose
   * @param ipProtocol 47 for GRE, 17 for UDP
   * @param maxPacketBytes largest packet (tunnel header and frame)
   */
  public static RawIpTransport open(
      InetAddress collector, InetAddress source, int ipProtocol, int maxPacketBytes)
      throws ErrnoException {
    IpFamily family = collector instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
    RawIpSocket socket = RawIpSocket.open(family, ipProtocol);
    SendBatch batch = null;
    try {
      if (source != null) {
        socket.bind(source);
      }
      socket.setReceiveBufferSize(1);
      socket.setSendBufferSize(SEND_BUFFER_BYTES);
      batch = new SendBatch(BATCH_PACKETS, maxPacketBytes);
      String text =
          "raw "
              + family
              + " proto "
              + ipProtocol
              + " to "
              + collector.getHostAddress()
              + (source == null ? "" : " from " + source.getHostAddress());
      RawIpTransport transport =
          new RawIpTransport(socket, batch, collector, SockAddr.of(collector), text);
      return transport;
    } catch (ErrnoException | RuntimeException e) {
      if (batch != null) {
        batch.close();
      }
      try {
        socket.close();
      } catch (ErrnoException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** The TTL or hop limit the kernel gives this socket's packets. */
  public int unicastHopLimit() throws ErrnoException {
    return socket.unicastHopLimit();
  }

  /** The address the packets go to. */
  public InetAddress collector() {
    return collector;
  }

  @Override
  public int maxPacketBytes() {
    return batch.maxPacketBytes();
  }

  @Override
  public int outerIpHeaderBytes() {
    return socket.family() == IpFamily.IPV4 ? 20 : 40;
  }

  @Override
  public boolean isFull() {
    return batch.isFull();
  }

  @Override
  public int pendingPackets() {
    return batch.size();
  }

  @Override
  public PacketSlot nextSlot() {
    int index = batch.size();
    PacketSlot slot = slots[index];
    if (slot == null) {
      slot = new PacketSlot(batch.nextSlot());
      slots[index] = slot;
    }
    return slot;
  }

  @Override
  public void commit(int length) {
    batch.commit(length, destination);
    pendingBytes += length;
  }

  @Override
  public void flush(SendOutcome outcome) {
    int size = batch.size();
    if (size == 0) {
      outcome.set(0, 0, 0, 0);
      return;
    }
    int sent;
    int failed;
    int errno;
    try {
      sent = socket.send(batch);
      failed = batch.failed();
      errno = batch.lastErrno();
    } catch (ErrnoException e) {
      sent = batch.sent();
      failed = size - sent;
      errno = e.errno();
    }
    long bytes = failed == 0 ? pendingBytes : pendingBytes * sent / size;
    outcome.set(sent, failed, bytes, errno);
    batch.clear();
    pendingBytes = 0;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    batch.close();
    try {
      socket.close();
    } catch (ErrnoException e) {
      // Nothing left to do with a socket that fails to close.
    }
  }
}
