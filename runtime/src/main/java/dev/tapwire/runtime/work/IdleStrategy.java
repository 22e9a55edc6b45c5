package dev.tapwire.runtime.work;

/** What a worker thread does after a cycle: nothing when there was work, back off otherwise. */
public interface IdleStrategy {
  /**
   * @param workCount what the last cycle did; 0 means idle
   */
  void idle(int workCount);
}
