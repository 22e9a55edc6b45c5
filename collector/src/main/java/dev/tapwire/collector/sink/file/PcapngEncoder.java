package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.wire.pcapng.EnhancedPacketBlock;
import dev.tapwire.wire.pcapng.EpbFlags;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import dev.tapwire.wire.pcapng.InterfaceDescriptionBlock;
import dev.tapwire.wire.pcapng.InterfaceStatistics;
import dev.tapwire.wire.pcapng.InterfaceStatisticsBlock;
import dev.tapwire.wire.pcapng.SectionHeaderBlock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * pcapng with one section per file and one interface per stream (and inner link type), declared
 * right before the stream's first packet in the file. Each packet carries its capture time in
 * nanoseconds, the direction in {@code epb_flags} when known, and the frames its stream lost in the
 * network right before it as {@code epb_dropcount}. When the file is closed, an Interface
 * Statistics Block per interface says, for this file: {@code isb_ifrecv} frames of the stream that
 * reached the sink, {@code isb_ifdrop} frames the stream lost in the network, {@code isb_osdrop}
 * frames the sink dropped (disk full), {@code isb_usrdeliv} frames written, and the capture times
 * of the first and last one.
 */
final class PcapngEncoder implements CaptureEncoder {
  static final int SNAP_LEN_BYTES = 262_144;

  /** Interface names and descriptions are cut to this many characters. */
  static final int MAX_LABEL_CHARS = 256;

  /** EPB fixed part, trailer, and the largest option list (flags, drop count, end). */
  private static final int EPB_OVERHEAD_BYTES = EnhancedPacketBlock.MIN_LENGTH + 8 + 12 + 4 + 3;

  /** IDB fixed part, trailer, tsresol and end options, two string option headers and padding. */
  private static final int IDB_OVERHEAD_BYTES = InterfaceDescriptionBlock.MIN_LENGTH + 8 + 4 + 16;

  /** ISB fixed part, trailer, two timestamps, four counters, end. */
  static final int ISB_MAX_BYTES = InterfaceStatisticsBlock.MIN_LENGTH + 2 * 12 + 4 * 12 + 4;

  private final String os;
  private final String userApplication;
  private final IdentityHashMap<StreamDescriptor, FileInterface> byStream = new IdentityHashMap<>();
  private final List<FileInterface> byId = new ArrayList<>();
  private final InterfaceStatistics statistics = new InterfaceStatistics();
  private int committedInterfaces;

  PcapngEncoder(String os, String userApplication) {
    this.os = os;
    this.userApplication = userApplication;
  }

  @Override
  public void beginFile(ByteBuf out) {
    byStream.clear();
    byId.clear();
    committedInterfaces = 0;
    SectionHeaderBlock.write(out, null, os, userApplication);
  }

  @Override
  public String unsupportedReason(Frame frame) {
    return null;
  }

  @Override
  public int encodedBytesBound(Frame frame) {
    int bound = EPB_OVERHEAD_BYTES + frame.innerLength;
    if (find(frame.stream, frame.innerLinkType) == null) {
      bound += idbBound(frame.stream);
    }
    return bound;
  }

  @Override
  public void encode(ByteBuf out, Frame frame) {
    FileInterface iface = find(frame.stream, frame.innerLinkType);
    if (iface == null) {
      iface = declare(out, frame.stream, frame.innerLinkType);
    }
    int block =
        EnhancedPacketBlock.begin(
            out,
            iface.id,
            frame.captureTimeNs,
            frame.buffer(),
            frame.innerOffset,
            frame.innerLength,
            FrameLengths.originalLength(frame));
    int flags = directionFlags(frame.direction);
    if (flags != EpbFlags.DIRECTION_UNKNOWN) {
      EnhancedPacketBlock.writeFlags(out, flags);
    }
    long missing = Math.max(0, frame.missingBefore);
    if (missing > 0) {
      EnhancedPacketBlock.writeDropCount(out, missing);
    }
    EnhancedPacketBlock.end(out, block);
    iface.stage(frame.captureTimeNs, missing);
  }

  @Override
  public void countDropped(Frame frame) {
    FileInterface iface = find(frame.stream, frame.innerLinkType);
    if (iface != null && iface.id < committedInterfaces) {
      iface.framesDroppedBySink++;
      iface.framesLostInNetwork += Math.max(0, frame.missingBefore);
    }
  }

  @Override
  public int encodeClosing(ByteBuf out, int from, long nowEpochNs) {
    int i = from;
    while (i < byId.size() && out.writableBytes() >= ISB_MAX_BYTES) {
      FileInterface iface = byId.get(i);
      long frames = iface.frames();
      statistics
          .reset(iface.id, nowEpochNs)
          .startTimeNs(iface.firstTime())
          .endTimeNs(iface.lastTime())
          .receivedPackets(frames + iface.framesDroppedBySink)
          .interfaceDroppedPackets(iface.lost())
          .osDroppedPackets(iface.framesDroppedBySink)
          .deliveredPackets(frames);
      InterfaceStatisticsBlock.write(out, statistics);
      i++;
    }
    return i < byId.size() ? i : -1;
  }

  @Override
  public void commit() {
    for (FileInterface iface : byId) {
      iface.commit();
    }
    committedInterfaces = byId.size();
  }

  @Override
  public void rollback() {
    for (int i = byId.size() - 1; i >= committedInterfaces; i--) {
      forget(byId.remove(i));
    }
    for (FileInterface iface : byId) {
      iface.rollback();
    }
  }

  /** Interfaces declared in the current file (written or staged). */
  int interfaceCount() {
    return byId.size();
  }

  private FileInterface find(StreamDescriptor stream, int linkType) {
    FileInterface iface = byStream.get(stream);
    while (iface != null && iface.linkType != linkType) {
      iface = iface.next;
    }
    return iface;
  }

  private FileInterface declare(ByteBuf out, StreamDescriptor stream, int linkType) {
    FileInterface iface = new FileInterface(byId.size(), stream, linkType);
    FileInterface head = byStream.get(stream);
    if (head == null) {
      byStream.put(stream, iface);
    } else {
      while (head.next != null) {
        head = head.next;
      }
      head.next = iface;
    }
    byId.add(iface);
    InterfaceDescriptionBlock.write(
        out,
        InterfaceDescription.builder(linkType, SNAP_LEN_BYTES)
            .name(cut(stream.interfaceName()))
            .description(cut(stream.description()))
            .build());
    return iface;
  }

  /** Removes a staged interface (declared after the last commit) from the lookup chain. */
  private void forget(FileInterface iface) {
    FileInterface head = byStream.get(iface.stream);
    if (head == iface) {
      byStream.remove(iface.stream);
      return;
    }
    while (head != null && head.next != iface) {
      head = head.next;
    }
    if (head != null) {
      head.next = null;
    }
  }

  private static int idbBound(StreamDescriptor stream) {
    return IDB_OVERHEAD_BYTES
        + ByteBufUtil.utf8MaxBytes(Math.min(length(stream.interfaceName()), MAX_LABEL_CHARS))
        + ByteBufUtil.utf8MaxBytes(Math.min(length(stream.description()), MAX_LABEL_CHARS));
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_LABEL_CHARS ? s : s.substring(0, MAX_LABEL_CHARS);
  }

  private static int directionFlags(int direction) {
    return switch (direction) {
      case Frame.DIRECTION_INBOUND -> EpbFlags.INBOUND;
      case Frame.DIRECTION_OUTBOUND -> EpbFlags.OUTBOUND;
      default -> EpbFlags.DIRECTION_UNKNOWN;
    };
  }
}
