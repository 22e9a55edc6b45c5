package dev.tapwire.agent.control;

import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.CapturePolicy;
import java.util.Map;

/** The data plane as the control client sees it; called on the control thread only. */
public interface PolicyTarget {
  /**
   * Applies {@code policy} atomically: all of it, or nothing and the previous policy stays.
   *
   * @param sessionIds session ids the collector reserved, by interface name (for interfaces the
   *     policy names without one)
   */
  PolicyOutcome apply(CapturePolicy policy, Map<String, Integer> sessionIds);

  /**
   * Exports the captured interfaces under the session ids the collector reserved (by interface
   * name; interfaces missing from the map keep theirs), with the settings in force otherwise.
   */
  void assignSessions(Map<String, Integer> sessionIds);

  /** The counters now. */
  AgentStats stats();

  /** Whether every capture handle delivers nanosecond timestamps. */
  boolean nanosecondTimestamps();
}
