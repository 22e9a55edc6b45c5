package dev.tapwire.collector.sink.mirror;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every counter of the mirror sink, declared once (per-stream policer counters are in {@link
 * MirrorStreamStats}). The worker thread writes; the metrics scrape reads.
 */
public final class MirrorSinkCounters {
  /** The stream exceeded its fair share of the link rate. */
  public static final String OVERSUBSCRIBED = "oversubscribed";

  /**
   * Not an Ethernet frame: the mirror NIC emits Ethernet frames only, headers are never made up.
   */
  public static final String LINK_TYPE_UNSUPPORTED = "link_type_unsupported";

  /** Longer than the NIC's MTU plus an Ethernet header and one VLAN tag (EMSGSIZE). */
  public static final String FRAME_TOO_LONG = "frame_too_long";

  /** Shorter than an Ethernet header. */
  public static final String FRAME_TOO_SHORT = "frame_too_short";

  /** The NIC's queue refused the frame (ENOBUFS). */
  public static final String NIC_QUEUE_FULL = "nic_queue_full";

  /** The NIC is down or gone (ENETDOWN, ENXIO, ENODEV). */
  public static final String LINK_DOWN = "link_down";

  /** Any other refusal by the kernel. */
  public static final String SEND_ERROR = "send_error";

  /** A frame without a stream descriptor (a bug upstream). */
  public static final String NO_STREAM = "no_stream";

  private static final List<String> REASONS =
      List.of(
          OVERSUBSCRIBED,
          LINK_TYPE_UNSUPPORTED,
          FRAME_TOO_LONG,
          FRAME_TOO_SHORT,
          NIC_QUEUE_FULL,
          LINK_DOWN,
          SEND_ERROR,
          NO_STREAM);

  private volatile long framesDelivered;
  private volatile long bytesDelivered;
  private volatile long wireBitsDelivered;
  private volatile long sendCalls;
  private volatile long droppedOversubscribed;
  private volatile long droppedLinkType;
  private volatile long droppedTooLong;
  private volatile long droppedTooShort;
  private volatile long droppedQueueFull;
  private volatile long droppedLinkDown;
  private volatile long droppedSendError;
  private volatile long droppedNoStream;

  /** Frames the kernel accepted for the mirror NIC. */
  public long framesDelivered() {
    return framesDelivered;
  }

  /** Frame bytes accepted (without Ethernet overhead). */
  public long bytesDelivered() {
    return bytesDelivered;
  }

  /** Bits on the wire of the frames accepted (with padding, preamble, FCS and gap). */
  public long wireBitsDelivered() {
    return wireBitsDelivered;
  }

  /** Batches handed to the kernel. */
  public long sendCalls() {
    return sendCalls;
  }

  /** Frames accepted and then dropped, by reason (every reason listed, zeros included). */
  public Map<String, Long> framesDroppedByReason() {
    Map<String, Long> result = new LinkedHashMap<>();
    for (String reason : REASONS) {
      result.put(reason, dropped(reason));
    }
    return result;
  }

  /** Frames dropped for {@code reason}. */
  public long dropped(String reason) {
    return switch (reason) {
      case OVERSUBSCRIBED -> droppedOversubscribed;
      case LINK_TYPE_UNSUPPORTED -> droppedLinkType;
      case FRAME_TOO_LONG -> droppedTooLong;
      case FRAME_TOO_SHORT -> droppedTooShort;
      case NIC_QUEUE_FULL -> droppedQueueFull;
      case LINK_DOWN -> droppedLinkDown;
      case SEND_ERROR -> droppedSendError;
      case NO_STREAM -> droppedNoStream;
      default -> 0;
    };
  }

  void delivered(long frames, long bytes, long wireBits) {
    framesDelivered = framesDelivered + frames;
    bytesDelivered = bytesDelivered + bytes;
    wireBitsDelivered = wireBitsDelivered + wireBits;
  }

  void sendCall() {
    sendCalls = sendCalls + 1;
  }

  void drop(String reason, long frames) {
    switch (reason) {
      case OVERSUBSCRIBED -> droppedOversubscribed = droppedOversubscribed + frames;
      case LINK_TYPE_UNSUPPORTED -> droppedLinkType = droppedLinkType + frames;
      case FRAME_TOO_LONG -> droppedTooLong = droppedTooLong + frames;
      case FRAME_TOO_SHORT -> droppedTooShort = droppedTooShort + frames;
      case NIC_QUEUE_FULL -> droppedQueueFull = droppedQueueFull + frames;
      case LINK_DOWN -> droppedLinkDown = droppedLinkDown + frames;
      case SEND_ERROR -> droppedSendError = droppedSendError + frames;
      case NO_STREAM -> droppedNoStream = droppedNoStream + frames;
      default -> throw new IllegalArgumentException("undeclared drop reason " + reason);
    }
  }
}
