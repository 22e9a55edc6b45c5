package dev.tapwire.runtime.work;

/**
 * One data-path stage, run by exactly one thread. {@link #doWork} does a bounded amount of work and
 * says how much, so that an {@link IdleStrategy} decides what to do when there was none.
 */
public interface Worker {
  /**
   * Does a bounded amount of work.
   *
   * @param nowNs the monotonic clock, read once per cycle by the caller
   * @return how many items were handled; 0 lets the thread idle
   */
  int doWork(long nowNs) throws Exception;

  /** Short name for the thread and for logs, e.g. {@code collector-merge}. */
  String roleName();

  /** Called once on the worker's thread after the last {@link #doWork}. */
  default void onClose() {}
}
