package dev.tapwire.collector.merge;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.runtime.work.Worker;

/**
 * The k-way merge of all streams by capture time, then the fan-out to the sinks.
 *
 * <p>Each frame waits in a min-heap for at most the window ({@code merge-window-ms}) after it
 * arrived, so that earlier-captured frames from other streams can overtake it. The top of the heap
 * is released when its window has passed, when the oldest arrival still held has waited a full
 * window (so no frame waits longer), or when the heap is full. A frame captured before the last
 * released one is late: delivered at once or dropped, per {@code late-policy}, and counted either
 * way. With de-duplication on, a released frame that repeats one from another stream within the
 * window is dropped and counted.
 *
 * <p>Fan-out: a frame goes to every sink; it is retained once per extra sink, and a sink that
 * refuses it (full queue) is charged a {@code queue_full} drop and the reference released. One
 * thread; no allocation.
 */
public final class MergeStage implements Worker {
  private static final int BATCH = 256;

  private final SpscQueue<Frame> input;
  private final FrameSink[] sinks;
  private final long windowNs;
  private final boolean deliverLate;
  private final DuplicateFilter duplicates;
  private final FrameHeap heap;
  private final ArrivalRing arrivals;
  private final MergeCounters counters;
  private boolean released;
  private long lastReleasedCaptureNs;

  /**
   * @param input frames from the decode stage
   * @param sinks where merged frames go
   * @param windowNs how long a frame may wait for earlier-captured ones
   * @param deliverLate deliver (true) or drop (false) frames older than the last released one
   * @param duplicates the de-duplication filter, or null when off
   * @param heapCapacity frames held at most
   */
  public MergeStage(
      SpscQueue<Frame> input,
      FrameSink[] sinks,
      long windowNs,
      boolean deliverLate,
      DuplicateFilter duplicates,
      int heapCapacity) {
    this.input = input;
    this.sinks = sinks.clone();
    this.windowNs = windowNs;
    this.deliverLate = deliverLate;
    this.duplicates = duplicates;
    this.heap = new FrameHeap(heapCapacity);
    this.arrivals = new ArrivalRing(2 * heapCapacity);
    this.counters = new MergeCounters(sinks.length);
  }

  public MergeCounters counters() {
    return counters;
  }

  /** The de-duplication filter, or null. */
  public DuplicateFilter duplicates() {
    return duplicates;
  }

  @Override
  public String roleName() {
    return "collector-merge";
  }

  @Override
  public int doWork(long nowNs) {
    int work = 0;
    Frame frame;
    while (work < BATCH && (frame = input.poll()) != null) {
      accept(frame, nowNs);
      work++;
    }
    work += releaseDue(nowNs);
    counters.heapFrames.set(heap.size());
    return work;
  }

  /** Releases everything held, in capture-time order (shutdown). */
  public int flush() {
    int n = 0;
    Frame frame;
    while ((frame = input.poll()) != null) {
      accept(frame, Long.MIN_VALUE / 2);
    }
    while (!heap.isEmpty()) {
      releaseTop();
      n++;
    }
    counters.heapFrames.set(0);
    return n;
  }

  @Override
  public void onClose() {
    flush();
  }

  private void accept(Frame frame, long nowNs) {
    counters.framesIn.increment();
    if (released && frame.captureTimeNs < lastReleasedCaptureNs) {
      counters.framesLate.increment();
      if (deliverLate) {
        emit(frame);
      } else {
        counters.droppedLate.increment();
        frame.release();
      }
      return;
    }
    if (heap.isFull() || arrivals.isFull()) {
      // No room: the earliest frame leaves now, which may be the one arriving.
      counters.forcedReleases.increment();
      Frame top = heap.peek();
      if (top == null || frame.captureTimeNs <= top.captureTimeNs) {
        released = true;
        lastReleasedCaptureNs = frame.captureTimeNs;
        emit(frame);
        return;
      }
      releaseTop();
      while (arrivals.isFull()) {
        releaseTop();
      }
    }
    frame.releaseAtNs = nowNs + windowNs;
    arrivals.add(frame);
    heap.add(frame);
  }

  private int releaseDue(long nowNs) {
    int n = 0;
    Frame top;
    while ((top = heap.peek()) != null) {
      Frame oldest = arrivals.oldest();
      boolean due =
          top.releaseAtNs - nowNs <= 0 || (oldest != null && oldest.releaseAtNs - nowNs <= 0);
      if (!due) {
        break;
      }
      releaseTop();
      n++;
    }
    return n;
  }

  private void releaseTop() {
    Frame frame = heap.poll();
    arrivals.remove(frame);
    released = true;
    lastReleasedCaptureNs = frame.captureTimeNs;
    emit(frame);
  }

  private void emit(Frame frame) {
    if (duplicates != null && duplicates.isDuplicate(frame)) {
      counters.droppedDuplicate.increment();
      frame.release();
      return;
    }
    int n = sinks.length;
    if (n == 0) {
      frame.release();
      return;
    }
    if (n > 1) {
      frame.retain(n - 1);
    }
    for (int i = 0; i < n; i++) {
      counters.offeredPerSink.increment(i);
      if (!sinks[i].offer(frame)) {
        counters.queueFullPerSink.increment(i);
        frame.release();
      }
    }
  }
}
