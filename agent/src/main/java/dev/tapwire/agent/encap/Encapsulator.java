package dev.tapwire.agent.encap;

import dev.tapwire.agent.handoff.FrameSlot;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;

/**
 * Turns a captured frame into one tunnel packet (everything after the outer IP header) in a send
 * slot, never modifying the frame's bytes. Applies the path MTU: a frame whose packet would not fit
 * is truncated with the truncation flag set, or left whole for IP fragmentation, by configuration;
 * {@link #oversize} and {@link #truncated} report what happened to the last frame. Allocation-free;
 * owned by the send thread.
 */
public final class Encapsulator {
  private final TunnelFormat format;
  private final int snapLenBytes;
  private final int maxFrameBytes;
  private final int fitFrameBytes;
  private final FrameFields fields = new FrameFields();
  private boolean oversize;
  private boolean truncated;

  /**
   * @param format the tunnel
   * @param outerIpHeaderBytes 20 (IPv4) or 40 (IPv6), added by the kernel
   * @param pathMtuBytes the largest outer packet that crosses the path unfragmented
   * @param truncateOversize cut frames to fit the path MTU (true) or send them whole (false)
   * @param snapLenBytes the user's snap length
   * @param maxPacketBytes the largest packet the transport takes
   */
  public Encapsulator(
      TunnelFormat format,
      int outerIpHeaderBytes,
      int pathMtuBytes,
      boolean truncateOversize,
      int snapLenBytes,
      int maxPacketBytes) {
    this.format = format;
    this.snapLenBytes = snapLenBytes;
    this.fitFrameBytes = pathMtuBytes - outerIpHeaderBytes - format.headerBytes();
    if (fitFrameBytes < 64) {
      throw new IllegalArgumentException(
          "path MTU " + pathMtuBytes + " leaves " + fitFrameBytes + " bytes for a frame");
    }
    int largest = Math.min(snapLenBytes, maxPacketBytes - format.headerBytes());
    this.maxFrameBytes = truncateOversize ? Math.min(fitFrameBytes, largest) : largest;
  }

  /**
   * The most bytes of a frame ever sent: what a capture slot (and libpcap's snap length) needs to
   * hold, no more.
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Bytes in front of each frame. */
  public int headerBytes() {
    return format.headerBytes();
  }

  /** The packet length {@link #encode} will produce for {@code frame}. */
  public int packetBytes(FrameSlot frame) {
    return format.headerBytes() + Math.min(frame.capturedLength(), maxFrameBytes);
  }

  /**
   * Writes the tunnel packet for {@code frame} at index 0 of {@code out} (whose memory is {@code
   * outMemory}) and returns its length.
   */
  public int encode(FrameSlot frame, Session session, ByteBuf out, MemorySegment outMemory) {
    MemorySegment data = frame.data();
    int frameBytes = Math.min(frame.capturedLength(), maxFrameBytes);
    oversize = Math.min(frame.originalLength(), snapLenBytes) > fitFrameBytes;
    truncated = frameBytes < frame.originalLength();
    int tag = EthernetFrames.outerTagControl(data, frameBytes);
    fields.sessionId = session.sessionId();
    fields.interfaceIndex = session.interfaceIndex();
    fields.direction = session.direction();
    fields.tagged = tag >= 0;
    fields.vlan = tag >= 0 ? tag & 0x0fff : 0;
    fields.cos = tag >= 0 ? tag >>> 13 : 0;
    fields.truncated = truncated;
    fields.captureTimeNs = Math.max(0, frame.captureTimeNs());
    fields.originalLength = frame.originalLength();
    fields.flowSourcePort = format.ipProtocol() == 17 ? FlowHash.sourcePort(data, frameBytes) : 0;
    fields.sequence = session.takeSequence();
    out.clear();
    format.writeHeader(out, fields);
    int headerBytes = out.writerIndex();
    MemorySegment.copy(data, 0, outMemory, headerBytes, frameBytes);
    int length = headerBytes + frameBytes;
    format.finish(out, length);
    return length;
  }

  /** Whether the last frame's packet would not have fit the path MTU whole. */
  public boolean oversize() {
    return oversize;
  }

  /** Whether the last frame was sent with fewer bytes than it had on the wire. */
  public boolean truncated() {
    return truncated;
  }
}
