package dev.tapwire.collector.control;

import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.merge.MergeCounters;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.sink.FrameSink;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The collector's own counters that GetStats reads, the same objects {@code CollectorMetrics}
 * exports on {@code /metrics}: nothing is counted twice.
 *
 * @param receivers per-receiver counters
 * @param decode decode-stage counters
 * @param streams the live stream table (its descriptors may be read from any thread)
 * @param merge merge-stage counters
 * @param sinks the sinks, in the merge stage's order
 * @param mergeQueueFrames frames waiting in the merge stage's input queue
 * @param queueCapacityFrames bound of each queue between stages
 * @param startTimeNs when the collector started, epoch ns
 */
public record CollectorCounters(
    List<ReceiveCounters> receivers,
    DecodeCounters decode,
    StreamTable streams,
    MergeCounters merge,
    List<FrameSink> sinks,
    IntSupplier mergeQueueFrames,
    int queueCapacityFrames,
    long startTimeNs) {}
