package dev.tapwire.collector.control;

import java.util.concurrent.TimeUnit;

/**
 * Bounds the control plane enforces whatever clients ask.
 *
 * @param maxWatchNs longest WatchPolicy stream; the agent reopens it
 * @param maxTapNs longest Tap stream
 * @param maxTapClients live taps at once
 * @param tapQueueFrames frame copies queued per tap client before it loses frames
 * @param tlsReloadPeriodNs how often the TLS files are checked for changes
 */
public record ControlLimits(
    long maxWatchNs, long maxTapNs, int maxTapClients, int tapQueueFrames, long tlsReloadPeriodNs) {
  public static final ControlLimits DEFAULT =
      new ControlLimits(
          TimeUnit.MINUTES.toNanos(30),
          TimeUnit.HOURS.toNanos(24),
          8,
          8_192,
          TimeUnit.SECONDS.toNanos(10));
}
