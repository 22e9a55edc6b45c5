package dev.tapwire.agent;

import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.metrics.AgentMetrics;
import dev.tapwire.agent.metrics.CaptureCounters;
import dev.tapwire.agent.metrics.SendCounters;
import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.DropCounter;
import dev.tapwire.proto.v1.DropReason;
import dev.tapwire.proto.v1.InterfaceCounters;
import dev.tapwire.proto.v1.Stage;
import dev.tapwire.proto.v1.StageCounters;
import java.util.List;

/**
 * The agent's counters as an {@link AgentStats} message for ReportStats. The send stage counts for
 * all interfaces together; with one interface its numbers are also that interface's, with several
 * they appear in the stage counters only (an interface's entry then carries its capture-side
 * numbers).
 */
final class AgentStatsReport {
  private AgentStatsReport() {}

  static AgentStats of(AgentMetrics metrics, int[] sessionIds, List<FrameHandoff> handoffs) {
    List<CaptureCounters> captures = metrics.captures();
    SendCounters send = metrics.send();
    boolean single = captures.size() == 1;
    AgentStats.Builder stats = AgentStats.newBuilder();
    long captured = 0;
    long sampledOut = 0;
    long queueFull = 0;
    long queued = 0;
    long queueCapacity = 0;
    for (int i = 0; i < captures.size(); i++) {
      CaptureCounters c = captures.get(i);
      InterfaceCounters.Builder counters =
          InterfaceCounters.newBuilder()
              .setInterfaceName(c.interfaceName())
              .setSessionId(Math.max(0, sessionIds[i]))
              .setCapturedFrames(c.captured.get())
              .setCapturedBytes(c.capturedBytes.get())
              .setKernelDroppedFrames(c.kernelDrops.get())
              .setInterfaceDroppedFrames(c.interfaceDrops.get());
      addDrop(
          counters, Stage.STAGE_CAPTURE, DropReason.DROP_REASON_SAMPLED_OUT, c.sampledOut.get());
      addDrop(counters, Stage.STAGE_HANDOFF, DropReason.DROP_REASON_QUEUE_FULL, c.queueFull.get());
      if (single) {
        counters
            .setSentFrames(send.sent.get())
            .setSentBytes(send.bytesSent.get())
            .setTruncatedFrames(send.truncated.get());
        addDrop(
            counters,
            Stage.STAGE_SEND,
            DropReason.DROP_REASON_RATE_LIMITED,
            send.rateLimited.get());
        addDrop(
            counters, Stage.STAGE_SEND, DropReason.DROP_REASON_SEND_ERROR, send.sendError.get());
      }
      stats.addInterfaces(counters);
      captured += c.captured.get();
      sampledOut += c.sampledOut.get();
      queueFull += c.queueFull.get();
      queued += handoffs.get(i).queuedFrames();
      queueCapacity += handoffs.get(i).capacityFrames();
    }
    long kept = captured - sampledOut;
    stats.addStages(
        StageCounters.newBuilder()
            .setStage(Stage.STAGE_CAPTURE)
            .setProcessedFrames(kept)
            .setDroppedFrames(sampledOut));
    stats.addStages(
        StageCounters.newBuilder()
            .setStage(Stage.STAGE_HANDOFF)
            .setProcessedFrames(Math.max(0, kept - queueFull - queued))
            .setDroppedFrames(queueFull)
            .setQueueDepthFrames(queued)
            .setQueueCapacityFrames(queueCapacity));
    stats.addStages(
        StageCounters.newBuilder()
            .setStage(Stage.STAGE_SEND)
            .setProcessedFrames(send.sent.get())
            .setDroppedFrames(send.rateLimited.get() + send.sendError.get()));
    return stats.build();
  }

  private static void addDrop(
      InterfaceCounters.Builder counters, Stage stage, DropReason reason, long frames) {
    if (frames > 0) {
      counters.addDrops(
          DropCounter.newBuilder().setStage(stage).setReason(reason).setDroppedFrames(frames));
    }
  }
}
