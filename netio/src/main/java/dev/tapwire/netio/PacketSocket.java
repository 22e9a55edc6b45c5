package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * A transmit-only {@code AF_PACKET}/{@code SOCK_RAW} socket bound to one interface: each packet
 * sent is a complete Ethernet frame, emitted byte for byte (no MAC, VLAN or padding change).
 *
 * <p>Protocol 0, on purpose: a packet socket with protocol 0 registers no receive hook, so the
 * kernel never queues a frame to it. A mirror port is transmit-only; a socket bound to {@code
 * ETH_P_ALL} would receive every frame on the interface (including those it sent, looped back to
 * taps) and fill its receive buffer for nothing.
 *
 * <p>A frame the device queue refuses is reported as {@code ENOBUFS} and counted in {@link
 * SendBatch#failed()}. Frames longer than the MTU plus the Ethernet header (plus 4 bytes with a
 * VLAN tag) are refused with {@code EMSGSIZE}. Needs CAP_NET_RAW. Owned by one thread at a time.
 */
public final class PacketSocket implements AutoCloseable {
  private final SocketFd fd;
  private final int ifindex;

  private PacketSocket(SocketFd fd, int ifindex) {
    this.fd = fd;
    this.ifindex = ifindex;
  }

  /** Opens a transmit-only packet socket on the interface with index {@code ifindex}. */
  public static PacketSocket openTransmitOnly(int ifindex) throws ErrnoException {
    if (ifindex <= 0) {
      throw new IllegalArgumentException("interface index must be > 0: " + ifindex);
    }
    SocketFd fd =
        SocketFd.open(Libc.AF_PACKET, Libc.SOCK_RAW, 0, "packet socket ifindex " + ifindex);
    try {
      MemorySegment sll = fd.scratch().asSlice(0, Structs.SOCKADDR_LL.byteSize());
      sll.fill((byte) 0);
      sll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      sll.set(JAVA_SHORT, Structs.SLL_PROTOCOL, (short) 0);
      sll.set(JAVA_INT, Structs.SLL_IFINDEX, ifindex);
      fd.bind(sll, (int) sll.byteSize(), "ifindex " + ifindex);
    } catch (ErrnoException e) {
      RawIpSocket.closeQuietly(fd, e);
      throw e;
    }
    return new PacketSocket(fd, ifindex);
  }

  /** Opens a transmit-only packet socket on the interface named {@code interfaceName}. */
  public static PacketSocket openTransmitOnly(String interfaceName) throws ErrnoException {
    return openTransmitOnly(Links.index(interfaceName));
  }

  /** The interface index the socket is bound to. */
  public int ifindex() {
    return ifindex;
  }

  /**
   * Hands frames straight to the driver, skipping the queueing discipline ({@code
   * PACKET_QDISC_BYPASS}): cheaper, but no traffic shaping applies and a full driver queue drops.
   */
  public void setQdiscBypass(boolean bypass) throws ErrnoException {
    fd.setInt(Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, bypass ? 1 : 0, "PACKET_QDISC_BYPASS");
  }

  /**
   * Sets the send buffer (see {@link RawIpSocket#setSendBufferSize}); returns the kernel's value.
   */
  public int setSendBufferSize(int bytes) throws ErrnoException {
    return fd.setBufferSize(Libc.SO_SNDBUF, Libc.SO_SNDBUFFORCE, bytes, "SO_SNDBUF");
  }

  /**
   * Sends every frame of {@code batch} (destinations must be {@code null}: the bound interface is
   * the destination) and returns how many the kernel accepted; refused ones are counted in {@code
   * batch.failed()}.
   */
  public int send(SendBatch batch) throws ErrnoException {
    return BatchIo.send(fd, batch);
  }

  /**
   * Whether anything could be read within {@code timeoutMs}; always false for this socket unless
   * something is wrong. For tests.
   */
  public boolean waitReadable(int timeoutMs) throws ErrnoException {
    return fd.pollReadable(timeoutMs);
  }

  @Override
  public void close() throws ErrnoException {
    fd.close();
  }

  @Override
  public String toString() {
    return fd.toString();
  }
}
