package dev.tapwire.collector.control;

import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.proto.v1.DropCounter;
import dev.tapwire.proto.v1.DropReason;
import dev.tapwire.proto.v1.GetStatsResponse;
import dev.tapwire.proto.v1.Stage;
import dev.tapwire.proto.v1.StageCounters;
import dev.tapwire.proto.v1.StreamKey;
import dev.tapwire.proto.v1.StreamStats;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a GetStats answer from the collector's counters: per stage the same values as {@code
 * tapwire_collector_frames_delivered_total} and {@code tapwire_collector_frames_dropped_total}, per
 * stream the values of the {@code tapwire_collector_stream_*} series.
 */
final class StatsSnapshot {
  private StatsSnapshot() {}

  static GetStatsResponse build(
      CollectorCounters c,
      Map<StreamOwner.Key, StreamOwner> owners,
      String agentIdFilter,
      long nowNs) {
    GetStatsResponse.Builder response =
        GetStatsResponse.newBuilder()
            .setSnapshotTimeUnixNanos(nowNs)
            .setCollectorStartTimeUnixNanos(c.startTimeNs());
    for (StreamDescriptor stream : c.streams().descriptors()) {
      StreamKey key = StreamKeys.of(stream);
      StreamOwner owner =
          owners.get(new StreamOwner.Key(key.getOuterSourceAddress(), StreamKeys.tunnelId(key)));
      if (!agentIdFilter.isEmpty() && (owner == null || !owner.agentId().equals(agentIdFilter))) {
        continue;
      }
      StreamCounters s = stream.counters();
      StreamStats.Builder stats =
          StreamStats.newBuilder()
              .setKey(key)
              .setReceivedFrames(s.frames())
              .setReceivedBytes(s.bytes())
              .setSequenceGapEvents(s.gapEvents())
              .setLostFrames(Math.max(0, s.framesLost()))
              .setTruncatedFrames(s.truncatedFrames())
              .setFirstSeenUnixNanos(s.firstSeenNs())
              .setLastSeenUnixNanos(s.lastSeenNs());
      if (owner != null) {
        stats.setAgentId(owner.agentId()).setInterfaceName(owner.interfaceName());
      }
      response.addStreams(stats);
    }
    stages(c, response);
    return response.build();
  }

  private static void stages(CollectorCounters c, GetStatsResponse.Builder response) {
    long received = 0;
    long receiveDropped = 0;
    long receiveQueued = 0;
    long bufferExhausted = 0;
    long queueFull = 0;
    long truncated = 0;
    for (ReceiveCounters r : c.receivers()) {
      received += r.packets.get();
      receiveDropped += r.dropped();
      receiveQueued += r.queuedFrames();
      bufferExhausted += r.droppedBufferExhausted.get();
      queueFull += r.droppedQueueFull.get();
      truncated += r.droppedTruncated.get();
    }
    response.addStages(
        stage(
            Stage.STAGE_RECEIVE,
            received - receiveDropped,
            receiveDropped,
            receiveQueued,
            (long) c.queueCapacityFrames() * c.receivers().size()));
    var d = c.decode();
    response.addStages(
        stage(
            Stage.STAGE_DECODE,
            d.framesDecoded.get() - d.droppedQueueFull.get(),
            d.droppedNotAllowed.get() + d.droppedBufferExhausted.get() + d.droppedQueueFull.get(),
            0,
            0));
    var m = c.merge();
    response.addStages(
        stage(
            Stage.STAGE_MERGE,
            c.sinks().isEmpty() ? 0 : m.offeredPerSink.get(0),
            m.droppedLate.get() + m.droppedDuplicate.get(),
            c.mergeQueueFrames().getAsInt() + m.heapFrames.get(),
            c.queueCapacityFrames()));
    for (int i = 0; i < c.sinks().size(); i++) {
      FrameSink sink = c.sinks().get(i);
      long dropped = m.queueFullPerSink.get(i);
      for (long n : sink.framesDroppedByReason().values()) {
        dropped += n;
      }
      for (long n : sink.copiesDroppedByReason().values()) {
        dropped += n; // as frames_dropped_total{stage=sink} counts them
      }
      response.addStages(
          stage(stageOf(sink.name()), sink.framesDelivered(), dropped, sink.queuedFrames(), 0));
    }
    addDrop(response, Stage.STAGE_RECEIVE, DropReason.DROP_REASON_QUEUE_FULL, queueFull);
    addDrop(response, Stage.STAGE_RECEIVE, DropReason.DROP_REASON_QUEUE_FULL, bufferExhausted);
    addDrop(response, Stage.STAGE_RECEIVE, DropReason.DROP_REASON_INVALID, truncated);
    addDrop(response, Stage.STAGE_DECODE, DropReason.DROP_REASON_INVALID, d.invalid.sum());
    addDrop(
        response,
        Stage.STAGE_DECODE,
        DropReason.DROP_REASON_NOT_ALLOWED,
        d.droppedNotAllowed.get());
    addDrop(
        response,
        Stage.STAGE_DECODE,
        DropReason.DROP_REASON_QUEUE_FULL,
        d.droppedBufferExhausted.get() + d.droppedQueueFull.get());
    addDrop(response, Stage.STAGE_MERGE, DropReason.DROP_REASON_LATE, m.droppedLate.get());
    addDrop(
        response, Stage.STAGE_MERGE, DropReason.DROP_REASON_DUPLICATE, m.droppedDuplicate.get());
    for (int i = 0; i < c.sinks().size(); i++) {
      FrameSink sink = c.sinks().get(i);
      Map<DropReason, Long> reasons = new TreeMap<>();
      reasons.merge(DropReason.DROP_REASON_QUEUE_FULL, m.queueFullPerSink.get(i), Long::sum);
      sink.framesDroppedByReason().forEach((r, n) -> reasons.merge(reasonOf(r), n, Long::sum));
      sink.copiesDroppedByReason().forEach((r, n) -> reasons.merge(reasonOf(r), n, Long::sum));
      Stage stage = stageOf(sink.name());
      reasons.forEach((r, n) -> addDrop(response, stage, r, n));
    }
  }

  private static void addDrop(
      GetStatsResponse.Builder response, Stage stage, DropReason reason, long count) {
    if (count > 0) {
      response.addUnattributedDrops(
          DropCounter.newBuilder().setStage(stage).setReason(reason).setDroppedFrames(count));
    }
  }

  private static StageCounters stage(
      Stage stage, long processed, long dropped, long depth, long capacity) {
    return StageCounters.newBuilder()
        .setStage(stage)
        .setProcessedFrames(processed)
        .setDroppedFrames(dropped)
        .setQueueDepthFrames(depth)
        .setQueueCapacityFrames(capacity)
        .build();
  }

  /** The proto stage of a sink, by its metric label. */
  static Stage stageOf(String sinkName) {
    return switch (sinkName) {
      case "mirror" -> Stage.STAGE_MIRROR;
      case "tap" -> Stage.STAGE_TAP;
      default -> Stage.STAGE_FILE;
    };
  }

  /** The proto reason of a sink's drop label. */
  static DropReason reasonOf(String label) {
    return switch (label) {
      case "queue_full", "buffer_exhausted" -> DropReason.DROP_REASON_QUEUE_FULL;
      case "rate_limited", "oversubscribed" -> DropReason.DROP_REASON_RATE_LIMITED;
      case "nic_queue_full" -> DropReason.DROP_REASON_QUEUE_FULL;
      case "slow_reader" -> DropReason.DROP_REASON_SLOW_READER;
      case "late" -> DropReason.DROP_REASON_LATE;
      case "duplicate" -> DropReason.DROP_REASON_DUPLICATE;
      default -> DropReason.DROP_REASON_WRITE_ERROR;
    };
  }
}
