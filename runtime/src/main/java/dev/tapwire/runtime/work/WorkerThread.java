package dev.tapwire.runtime.work;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs one {@link Worker} on its own platform thread until closed. A worker that throws stops; the
 * failure is kept for health reporting rather than lost.
 */
public final class WorkerThread implements AutoCloseable {
  private final Worker worker;
  private final IdleStrategy idleStrategy;
  private final LongSupplier nanoClock;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  public WorkerThread(Worker worker, IdleStrategy idleStrategy, LongSupplier nanoClock) {
    this.worker = worker;
    this.idleStrategy = idleStrategy;
    this.nanoClock = nanoClock;
    this.thread = Thread.ofPlatform().name(worker.roleName()).daemon(true).unstarted(this::run);
  }

  public static WorkerThread start(Worker worker) {
    WorkerThread workerThread =
        new WorkerThread(worker, BackoffIdleStrategy.forDataPath(), System::nanoTime);
    workerThread.thread.start();
    return workerThread;
  }

  public WorkerThread startThread() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        idleStrategy.idle(worker.doWork(nanoClock.getAsLong()));
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      try {
        worker.onClose();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
  }

  /** True while the worker runs without having failed. */
  public boolean healthy() {
    return thread.isAlive() && failure == null;
  }

  /** The exception that stopped the worker, or null. */
  public Throwable failure() {
    return failure;
  }

  public String roleName() {
    return worker.roleName();
  }

  /** Stops the worker after its current cycle and waits for its thread to end. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
