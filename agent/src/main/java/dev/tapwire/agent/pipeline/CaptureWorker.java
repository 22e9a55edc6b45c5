package dev.tapwire.agent.pipeline;

import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.capture.CaptureSource;
import dev.tapwire.agent.capture.CaptureStatistics;
import dev.tapwire.agent.capture.FrameReceiver;
import dev.tapwire.agent.encap.OneInNSampler;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.handoff.FrameSlot;
import dev.tapwire.agent.metrics.CaptureCounters;
import dev.tapwire.runtime.work.Worker;
import java.lang.foreign.MemorySegment;

/**
 * The capture stage of one interface: reads frames from its {@link CaptureSource}, samples, copies
 * each kept frame into a free slot of the hand-off and publishes it. With no free slot the frame is
 * dropped and counted ({@code queue_full}): capture never waits for the sender. Also refreshes
 * libpcap's drop counters. Runs on its own thread, which owns the source and closes it.
 */
public final class CaptureWorker implements Worker {
  /** Frames per {@code pcap_dispatch}: bounds one cycle's work. */
  static final int FRAMES_PER_DISPATCH = 256;

  private static final long STATISTICS_INTERVAL_NS = 250_000_000L;

  private final CaptureSource source;
  private final FrameHandoff handoff;
  private final CaptureCounters counters;
  private final OneInNSampler sampler;
  private final boolean sampling;
  private final FrameReceiver receiver = this::onFrame;
  private long lastStatisticsNs = Long.MIN_VALUE;

  public CaptureWorker(
      CaptureSource source, FrameHandoff handoff, CaptureCounters counters, int sampleOneInN) {
    this.source = source;
    this.handoff = handoff;
    this.counters = counters;
    this.sampler = new OneInNSampler(sampleOneInN);
    this.sampling = sampleOneInN > 1;
  }

  @Override
  public int doWork(long nowNs) throws CaptureException {
    int frames = source.dispatch(FRAMES_PER_DISPATCH, receiver);
    if (lastStatisticsNs == Long.MIN_VALUE || nowNs - lastStatisticsNs >= STATISTICS_INTERVAL_NS) {
      lastStatisticsNs = nowNs;
      refreshStatistics();
    }
    return frames;
  }

  private void onFrame(
      MemorySegment memory,
      long offset,
      int capturedLength,
      int originalLength,
      long captureTimeNs) {
    counters.captured.increment();
    if (sampling && !sampler.keep()) {
      counters.sampledOut.increment();
      return;
    }
    FrameSlot slot = handoff.claim();
    if (slot == null) {
      counters.queueFull.increment();
      return;
    }
    slot.fill(memory, offset, capturedLength, originalLength, captureTimeNs);
    handoff.publish(slot);
  }

  private void refreshStatistics() throws CaptureException {
    CaptureStatistics statistics = source.statistics();
    counters.kernelDrops.set(statistics.kernelDrops());
    counters.interfaceDrops.set(statistics.interfaceDrops());
  }

  @Override
  public String roleName() {
    return "agent-capture-" + source.interfaceName();
  }

  @Override
  public void onClose() {
    try {
      refreshStatistics();
    } catch (CaptureException e) {
      // The last counters stay as they were; the source is going away anyway.
    } finally {
      source.close();
    }
  }
}
