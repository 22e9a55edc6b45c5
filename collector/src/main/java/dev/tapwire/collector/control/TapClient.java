package dev.tapwire.collector.control;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.proto.v1.FrameFlag;
import dev.tapwire.proto.v1.StreamKey;
import dev.tapwire.proto.v1.TapRequest;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One live tap: its filters and its bounded queue of frame copies. The tap worker thread decides
 * per frame and offers copies ({@link #offer}); the client's sender takes them ({@link #poll}).
 * When the queue is full the copy is dropped and counted: a slow client loses frames, the data path
 * never waits for it.
 */
final class TapClient implements AutoCloseable {
  private final TapRequest request;
  private final Supplier<Map<StreamOwner.Key, StreamOwner>> owners;
  private final ArrayBlockingQueue<TapItem> queue;
  private final Runnable onData;
  private final AtomicLong droppedSlow = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();

  // Tap worker thread only.
  private final Map<StreamDescriptor, Boolean> streamDecisions = new IdentityHashMap<>();
  private final Map<Integer, BpfFilter> filters = new HashMap<>();
  private volatile boolean closed;

  /**
   * @param request the client's filters, already validated
   * @param owners which agent interface sends which stream (read once per new stream)
   * @param queueFrames bound of the client's queue
   * @param onData called by the tap worker after it queued frames (wakes the sender)
   */
  TapClient(
      TapRequest request,
      Supplier<Map<StreamOwner.Key, StreamOwner>> owners,
      int queueFrames,
      Runnable onData) {
    this.request = request;
    this.owners = owners;
    this.queue = new ArrayBlockingQueue<>(queueFrames);
    this.onData = onData;
  }

  TapRequest request() {
    return request;
  }

  /** {@link #offer} result: the frame does not match the client's filters. */
  static final int SKIPPED = 0;

  /** {@link #offer} result: a copy is queued. */
  static final int QUEUED = 1;

  /** {@link #offer} result: the frame matched but the client's queue was full. */
  static final int DROPPED = 2;

  /** Tap worker: copies the frame into the queue if it matches the client's filters. */
  int offer(Frame frame) {
    if (closed || !selects(frame.stream)) {
      return SKIPPED;
    }
    int length = frame.innerLength;
    int wireLength = frame.originalLength > 0 ? frame.originalLength : length;
    if (!request.getBpfFilter().isEmpty()) {
      BpfFilter filter = filter(frame.innerLinkType);
      MemorySegment data = frame.segment().asSlice(frame.innerOffset, length);
      if (filter == null || !filter.matches(data, wireLength)) {
        return SKIPPED;
      }
    }
    int snap = request.getSnapLenBytes();
    byte[] copy = new byte[snap == 0 ? length : Math.min(snap, length)];
    frame.buffer().getBytes(frame.innerOffset, copy);
    TapItem item =
        new TapItem(
            frame.stream, frame.captureTimeNs, Math.max(wireLength, length), flags(frame), copy);
    if (queue.offer(item)) {
      queued.incrementAndGet();
      return QUEUED;
    }
    droppedSlow.incrementAndGet();
    return DROPPED;
  }

  /** Tap worker: the sender has frames to take. */
  void signal() {
    onData.run();
  }

  /** Sender: the next frame copy, or null. */
  TapItem poll() {
    return queue.poll();
  }

  /** Frames lost because this client read too slowly. */
  long droppedSlowReader() {
    return droppedSlow.get();
  }

  long queuedTotal() {
    return queued.get();
  }

  boolean closed() {
    return closed;
  }

  /** Stops taking frames; the tap worker frees the compiled filters when it drops the client. */
  @Override
  public void close() {
    closed = true;
  }

  /** Tap worker: frees the compiled filters once the client is no longer iterated. */
  void release() {
    for (BpfFilter filter : filters.values()) {
      if (filter != null) {
        filter.close();
      }
    }
    filters.clear();
    queue.clear();
  }

  /** The filter for a link type, or null when the expression means nothing for it. */
  private BpfFilter filter(int linkType) {
    if (filters.containsKey(linkType)) {
      return filters.get(linkType);
    }
    BpfFilter filter;
    try {
      filter = BpfFilter.compile(request.getBpfFilter(), linkType);
    } catch (IllegalArgumentException e) {
      filter = null; // e.g. "ether host" on raw IP frames: no frame of that type matches
    }
    filters.put(linkType, filter);
    return filter;
  }

  private boolean selects(StreamDescriptor stream) {
    if (stream == null) {
      return false;
    }
    Boolean decision = streamDecisions.get(stream);
    if (decision == null) {
      decision = decide(stream);
      streamDecisions.put(stream, decision);
    }
    return decision;
  }

  private boolean decide(StreamDescriptor stream) {
    StreamKey key = StreamKeys.of(stream);
    int tunnelId = StreamKeys.tunnelId(key);
    if (request.getSessionIdsCount() > 0 && !request.getSessionIdsList().contains(tunnelId)) {
      return false;
    }
    if (!request.getOuterSourceAddress().isEmpty()
        && !request.getOuterSourceAddress().equals(key.getOuterSourceAddress())) {
      return false;
    }
    if (request.getAgentId().isEmpty() && request.getHostName().isEmpty()) {
      return true;
    }
    StreamOwner owner =
        owners.get().get(new StreamOwner.Key(key.getOuterSourceAddress(), tunnelId));
    if (owner == null) {
      return false;
    }
    return (request.getAgentId().isEmpty() || request.getAgentId().equals(owner.agentId()))
        && (request.getHostName().isEmpty() || request.getHostName().equals(owner.hostName()));
  }

  private static int flags(Frame frame) {
    int flags = 0;
    if (frame.direction == Frame.DIRECTION_INBOUND) {
      flags |= FrameFlag.FRAME_FLAG_DIRECTION_INBOUND_VALUE;
    } else if (frame.direction == Frame.DIRECTION_OUTBOUND) {
      flags |= FrameFlag.FRAME_FLAG_DIRECTION_OUTBOUND_VALUE;
    }
    if (frame.truncated) {
      flags |= FrameFlag.FRAME_FLAG_TRUNCATED_VALUE;
    }
    return flags;
  }
}
