package dev.tapwire.agent.control;

import java.time.Duration;

/**
 * The control client's clocks.
 *
 * @param callDeadline deadline of every unary call
 * @param watchWindow deadline of one WatchPolicy call; the client opens the next one before it
 * @param firstRetry delay before the first reconnection attempt; doubles per failure
 * @param maxRetry the longest delay between attempts
 * @param defaultReportInterval stats interval until the collector names one
 */
public record ControlTimings(
    Duration callDeadline,
    Duration watchWindow,
    Duration firstRetry,
    Duration maxRetry,
    Duration defaultReportInterval) {

  public static final ControlTimings DEFAULT =
      new ControlTimings(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10));
}
