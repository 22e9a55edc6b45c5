package dev.tapwire.collector.receive.grpc;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.receive.EpochClock;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.proto.v1.FrameBatch;
import dev.tapwire.runtime.work.SpscQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hand-off from every gRPC stream to the decode stage: one bounded {@link SpscQueue} whose
 * single producer is whichever stream holds this object's lock (a whole batch per lock). Streams
 * ask for their next batch only while the queue has {@link #ROOM_FRAMES} free; a stream that finds
 * it fuller parks, and a timer thread resumes it once decode has made room. Frames still arriving
 * to a full queue are dropped and counted ({@code queue_full}), as are frames with no free pooled
 * slot ({@code buffer_exhausted}) and malformed frames (by {@link GrpcInvalidReason}).
 */
public final class GrpcIngress implements AutoCloseable {
  /** Free queue slots a stream needs before it asks for another batch (an agent's largest). */
  public static final int ROOM_FRAMES = 256;

  static final long RESUME_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(1);

  private final FramePools pools;
  private final SpscQueue<Frame> queue;
  private final ReceiveCounters counters;
  private final GrpcIngressCounters grpcCounters = new GrpcIngressCounters();
  private final int receiverIndex;
  private final ConcurrentLinkedQueue<Runnable> parked = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean resumeScheduled = new AtomicBoolean();
  private final ScheduledExecutorService resumer;
  private boolean stopped;

  /**
   * @param queue the decode stage's input for gRPC frames
   * @param counters this receiver's counters ({@code receiver="grpc"})
   * @param receiverIndex its index among the receivers
   */
  public GrpcIngress(
      FramePools pools, SpscQueue<Frame> queue, ReceiveCounters counters, int receiverIndex) {
    this.pools = pools;
    this.queue = queue;
    this.counters = counters;
    this.receiverIndex = receiverIndex;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().name("collector-grpc-resume").daemon().unstarted(r));
    executor.setRemoveOnCancelPolicy(true);
    this.resumer = executor;
  }

  public GrpcIngressCounters grpcCounters() {
    return grpcCounters;
  }

  public ReceiveCounters counters() {
    return counters;
  }

  /**
   * Takes a batch's frames into the queue.
   *
   * @param stream the stream's state: its counts are updated, its batch sequence checked
   */
  public synchronized void accept(FrameBatch batch, StreamState stream, PeerAddresses.Pair peer) {
    grpcCounters.batches.increment();
    long batchSequence = batch.getBatchSequence();
    if (stream.lastBatchSequence != 0 && batchSequence - stream.lastBatchSequence > 1) {
      grpcCounters.batchGaps.increment();
    }
    stream.lastBatchSequence = batchSequence;
    int frames = batch.getFramesCount();
    if (stopped) {
      grpcCounters.refusedStopping.add(frames);
      stream.droppedFrames += frames;
      return;
    }
    long receiveTimeNs = EpochClock.nowNs();
    int sessionId = batch.getSessionId();
    long firstSequence = batch.getFirstFrameSequence();
    for (int i = 0; i < frames; i++) {
      dev.tapwire.proto.v1.Frame proto = batch.getFrames(i);
      GrpcInvalidReason invalid = BatchConverter.check(proto);
      if (invalid != null) {
        grpcCounters.invalid.increment(invalid.ordinal());
        stream.droppedFrames++;
        continue;
      }
      int length = proto.getData().size();
      counters.packets.increment();
      counters.bytes.add(length);
      Frame frame = pools.take(length);
      if (frame == null) {
        counters.droppedBufferExhausted.increment();
        stream.droppedFrames++;
        continue;
      }
      BatchConverter.fill(
          frame, proto, sessionId, firstSequence + i, receiveTimeNs, receiverIndex, peer);
      if (!queue.offer(frame)) {
        counters.droppedQueueFull.increment();
        frame.release();
        stream.droppedFrames++;
        continue;
      }
      stream.acceptedFrames++;
    }
  }

  /** Whether a stream may ask for another batch now. */
  public boolean hasRoom() {
    return queue.capacity() - queue.size() >= ROOM_FRAMES;
  }

  /** Runs {@code resume} (on the timer thread) once there is room again. */
  public void parkUntilRoom(Runnable resume) {
    synchronized (this) {
      grpcCounters.pauses.increment();
    }
    parked.add(resume);
    scheduleCheck();
  }

  private void scheduleCheck() {
    if (resumeScheduled.compareAndSet(false, true)) {
      try {
        resumer.schedule(this::resumeParked, RESUME_CHECK_NS, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        resumeScheduled.set(false); // stopping: parked streams end with the server
      }
    }
  }

  private void resumeParked() {
    Runnable resume;
    while (hasRoom() && (resume = parked.poll()) != null) {
      resume.run();
    }
    resumeScheduled.set(false);
    if (!parked.isEmpty()) {
      scheduleCheck();
    }
  }

  /** Counts a stream opening (+1) or ending (-1). */
  public synchronized void streamOpened(int delta) {
    grpcCounters.openStreams.add(delta);
  }

  /** Refuses every later frame (counted) and stops the timer; the decode stage drains the queue. */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
    }
    resumer.shutdownNow();
  }

  /** One stream's counts, as its answers report them. Touched only by that stream's callbacks. */
  public static final class StreamState {
    long lastBatchSequence;
    long acceptedFrames;
    long droppedFrames;

    public long acceptedFrames() {
      return acceptedFrames;
    }

    public long droppedFrames() {
      return droppedFrames;
    }
  }
}
