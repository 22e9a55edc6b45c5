package dev.tapwire.collector.frame;

import dev.tapwire.collector.stream.StreamDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One packet in flight through the collector: the received outer packet's bytes in a pooled slot of
 * direct memory, the decoded inner frame as an offset/length view into them, and its metadata. The
 * same memory is seen as a Netty {@link ByteBuf} (codecs, file writer) and a {@link MemorySegment}
 * (sendmmsg), so no stage copies the frame again.
 *
 * <p>Ownership: exactly one stage owns a frame at a time, except after fan-out to several sinks,
 * where {@link #retain}/{@link #release} count the holders and the last release returns the slot to
 * its pool.
 */
public final class Frame {
  private static final VarHandle REFERENCES;

  static {
    try {
      REFERENCES = MethodHandles.lookup().findVarHandle(Frame.class, "references", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Direction from ERSPAN III D or the transport: not known. */
  public static final int DIRECTION_UNKNOWN = 0;

  public static final int DIRECTION_INBOUND = 1;
  public static final int DIRECTION_OUTBOUND = 2;

  /** Received on a raw IPv4 socket: the packet starts with the outer IPv4 header. */
  public static final int ORIGIN_RAW_IPV4 = 1;

  /** Received on a raw IPv6 socket: the packet starts at GRE; addresses are in the fields. */
  public static final int ORIGIN_RAW_IPV6 = 2;

  /** A UDP payload (VXLAN, GRE-in-UDP); addresses and ports are in the fields. */
  public static final int ORIGIN_UDP = 3;

  /**
   * A frame from the gRPC transport, already decapsulated: the packet is the frame; capture time,
   * original length, {@link #sessionId}, {@link #sequence}, direction and addresses are in the
   * fields.
   */
  public static final int ORIGIN_GRPC = 4;

  private final FramePool pool;
  private final ByteBuf buffer;
  private final MemorySegment segment;
  private final int capacityBytes;

  @SuppressWarnings("unused") // accessed through REFERENCES
  private volatile int references;

  /** Bytes of the received packet in {@link #buffer()} (outer headers included). */
  public int packetLength;

  /** The inner frame: {@code buffer()[innerOffset, innerOffset + innerLength)}. */
  public int innerOffset;

  public int innerLength;

  /** Length of the frame on the wire before truncation, when the transport carries it. */
  public int originalLength;

  /** Capture time in epoch ns: from the tunnel metadata when it carries it, else receive time. */
  public long captureTimeNs;

  /** When the collector received it, epoch ns. */
  public long receiveTimeNs;

  /** When the merger may release it, monotonic ns. */
  public long releaseAtNs;

  /** The stream the frame belongs to. */
  public StreamDescriptor stream;

  /** Frames the stream lost in the network right before this one (GRE sequence gap). */
  public long missingBefore;

  public int direction;
  public boolean truncated;

  /** Link type of the inner frame (pcap LINKTYPE_*): Ethernet, or raw IP for IP payloads. */
  public int innerLinkType;

  /** How the packet arrived ({@code ORIGIN_*}): decides where decoding starts. */
  public int origin;

  /** Index of the receiver that read the packet, for per-receiver accounting. */
  public int receiverIndex;

  /**
   * Outer addresses as the socket reported them (first {@link #addressLength} bytes), for the
   * origins whose packet does not start with the IP header.
   */
  public final byte[] sourceAddress = new byte[16];

  public final byte[] destinationAddress = new byte[16];

  /** 4, 16, or 0 when the packet itself carries the addresses (raw IPv4). */
  public int addressLength;

  public int sourcePort;
  public int destinationPort;

  /** {@link #ORIGIN_GRPC}: the session and the sender's frame sequence number. */
  public int sessionId;

  public long sequence;

  /** Arrival order at the merge stage, for its wait-at-most-the-window guarantee. */
  public long mergeSequence;

  Frame(FramePool pool, ByteBuffer slot) {
    this.pool = pool;
    this.capacityBytes = slot.capacity();
    this.segment = MemorySegment.ofBuffer(slot);
    this.buffer = Unpooled.wrappedBuffer(slot).clear();
  }

  /** The slot's memory as a Netty buffer; its indexes are not used, read with absolute offsets. */
  public ByteBuf buffer() {
    return buffer;
  }

  /** The slot's memory for native calls. */
  public MemorySegment segment() {
    return segment;
  }

  public int capacityBytes() {
    return capacityBytes;
  }

  /** Prepares a frame just taken from the pool for {@code holders} owners. */
  void reset() {
    packetLength = 0;
    innerOffset = 0;
    innerLength = 0;
    originalLength = 0;
    captureTimeNs = 0;
    receiveTimeNs = 0;
    releaseAtNs = 0;
    stream = null;
    missingBefore = 0;
    direction = DIRECTION_UNKNOWN;
    truncated = false;
    innerLinkType = 1;
    origin = 0;
    receiverIndex = 0;
    addressLength = 0;
    sourcePort = -1;
    destinationPort = -1;
    sessionId = 0;
    sequence = 0;
    mergeSequence = 0;
    REFERENCES.setRelease(this, 1);
  }

  /** Adds {@code count} holders before handing the frame to several sinks. */
  public void retain(int count) {
    REFERENCES.getAndAdd(this, count);
  }

  /** Drops one holder; the last one returns the slot to its pool. */
  public void release() {
    int remaining = (int) REFERENCES.getAndAdd(this, -1) - 1;
    if (remaining == 0) {
      pool.giveBack(this);
    } else if (remaining < 0) {
      throw new IllegalStateException("frame released more often than retained");
    }
  }
}
