package dev.tapwire.collector.sink;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.runtime.work.BackoffIdleStrategy;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.runtime.work.WorkerThread;

/**
 * The plumbing every sink shares: a bounded queue that the merge stage offers to without blocking,
 * one worker thread that drains it, health from that thread, and a close that lets the worker
 * finish what is queued.
 */
public abstract class QueuedSink implements FrameSink {
  private final String name;
  private final SpscQueue<Frame> queue;
  private WorkerThread thread;
  private volatile boolean closed;

  protected QueuedSink(String name, int queueFrames) {
    this.name = name;
    this.queue = new SpscQueue<>(queueFrames);
  }

  /** The queue the worker drains. */
  protected final SpscQueue<Frame> queue() {
    return queue;
  }

  /** The worker that drains {@link #queue()}; created by the subclass's constructor. */
  protected abstract SinkWorker worker();

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final synchronized void start() {
    if (thread != null || closed) {
      throw new IllegalStateException(name + " sink already started or closed");
    }
    thread = new WorkerThread(worker(), BackoffIdleStrategy.forBurstyStage(), System::nanoTime);
    thread.startThread();
  }

  @Override
  public final boolean offer(Frame frame) {
    return !closed && queue.offer(frame);
  }

  @Override
  public final int queuedFrames() {
    return queue.size();
  }

  @Override
  public final boolean healthy() {
    WorkerThread t = thread;
    return t == null ? !closed : t.healthy() || (closed && t.failure() == null);
  }

  /** The failure that stopped the sink's thread, or null. */
  public final Throwable failure() {
    WorkerThread t = thread;
    return t == null ? null : t.failure();
  }

  @Override
  public final synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (thread != null) {
      thread.close(); // the worker drains the queue and releases its resources on its thread
    } else {
      worker().closeAt(System.nanoTime());
    }
  }
}
