package dev.tapwire.collector.control;

import dev.tapwire.proto.v1.AgentRates;
import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.DropCounter;
import dev.tapwire.proto.v1.InterfaceCounters;
import dev.tapwire.proto.v1.ReportStatsRequest;

/** Rates of an agent from its last two ReportStats snapshots. */
final class AgentRatesCalculator {
  private static final double NS_PER_SECOND = 1e9;

  private AgentRatesCalculator() {}

  /** Zero rates when there are fewer than two snapshots or the agent restarted in between. */
  static AgentRates rates(ReportStatsRequest previous, ReportStatsRequest last) {
    if (previous == null
        || last == null
        || previous.getAgentStartTimeUnixNanos() != last.getAgentStartTimeUnixNanos()) {
      return AgentRates.getDefaultInstance();
    }
    long elapsedNs = last.getSnapshotTimeUnixNanos() - previous.getSnapshotTimeUnixNanos();
    if (elapsedNs <= 0) {
      return AgentRates.getDefaultInstance();
    }
    Totals a = Totals.of(previous.getStats());
    Totals b = Totals.of(last.getStats());
    double seconds = elapsedNs / NS_PER_SECOND;
    return AgentRates.newBuilder()
        .setCapturedFramesPerSecond((b.captured - a.captured) / seconds)
        .setSentFramesPerSecond((b.sent - a.sent) / seconds)
        .setSentBitsPerSecond(8.0 * (b.sentBytes - a.sentBytes) / seconds)
        .setDroppedFramesPerSecond((b.dropped - a.dropped) / seconds)
        .setKernelDroppedFramesPerSecond((b.kernelDropped - a.kernelDropped) / seconds)
        .build();
  }

  /** Sums over the interfaces of one snapshot. */
  record Totals(long captured, long sent, long sentBytes, long dropped, long kernelDropped) {
    static Totals of(AgentStats stats) {
      long captured = 0;
      long sent = 0;
      long sentBytes = 0;
      long dropped = 0;
      long kernel = 0;
      for (InterfaceCounters i : stats.getInterfacesList()) {
        captured += i.getCapturedFrames();
        sent += i.getSentFrames();
        sentBytes += i.getSentBytes();
        kernel += i.getKernelDroppedFrames() + i.getInterfaceDroppedFrames();
        for (DropCounter d : i.getDropsList()) {
          dropped += d.getDroppedFrames();
        }
      }
      return new Totals(captured, sent, sentBytes, dropped, kernel);
    }
  }
}
