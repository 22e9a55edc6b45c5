package dev.tapwire.runtime.work;

import java.util.List;

/**
 * Several stages run in turn by one thread: each cycle calls every worker's {@link Worker#doWork}
 * once, in order, and reports the sum. On a small machine two adjacent stages that would otherwise
 * wake each other for every batch share a thread this way; they still talk through their bounded
 * queue, so each keeps its own bounds and counters.
 */
public final class WorkerGroup implements Worker {
  private final String roleName;
  private final List<Worker> workers;

  /**
   * @param roleName the thread's name
   * @param workers run in this order every cycle and closed in this order
   */
  public WorkerGroup(String roleName, List<? extends Worker> workers) {
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("no workers");
    }
    this.roleName = roleName;
    this.workers = List.copyOf(workers);
  }

  @Override
  public int doWork(long nowNs) throws Exception {
    int work = 0;
    for (int i = 0; i < workers.size(); i++) {
      work += workers.get(i).doWork(nowNs);
    }
    return work;
  }

  @Override
  public String roleName() {
    return roleName;
  }

  /** Closes every worker in order, even when one throws; the first failure is rethrown. */
  @Override
  public void onClose() {
    RuntimeException failure = null;
    for (Worker worker : workers) {
      try {
        worker.onClose();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
