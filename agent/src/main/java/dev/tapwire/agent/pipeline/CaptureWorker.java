package dev.tapwire.agent.pipeline;

import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.capture.CaptureOpener;
import dev.tapwire.agent.capture.CaptureSource;
import dev.tapwire.agent.capture.CaptureSpec;
import dev.tapwire.agent.capture.CaptureStatistics;
import dev.tapwire.agent.capture.FrameReceiver;
import dev.tapwire.agent.encap.OneInNSampler;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.handoff.FrameSlot;
import dev.tapwire.agent.metrics.CaptureCounters;
import dev.tapwire.runtime.work.Worker;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The capture stage of one interface: reads frames from its {@link CaptureSource}, samples, copies
 * each kept frame into a free slot of the hand-off and publishes it. With no free slot the frame is
 * dropped and counted ({@code queue_full}): capture never waits for the sender. Also refreshes
 * libpcap's drop counters. Runs on its own thread, which owns the source and closes it.
 *
 * <p>A {@link CaptureChange} posted by {@link #post} from the control thread is applied here,
 * between two reads, so that libpcap's handle is only ever touched by this thread.
 */
public final class CaptureWorker implements Worker {
  /** Frames per {@code pcap_dispatch}: bounds one cycle's work. */
  static final int FRAMES_PER_DISPATCH = 256;

  private static final long STATISTICS_INTERVAL_NS = 250_000_000L;

  /** Reads of the old handle before it is closed for a new one: bounds the switch under load. */
  static final int REOPEN_DRAIN_DISPATCHES = 64;

  /**
   * A filter no frame passes (no frame is 1 byte long), set on a new handle until it takes over.
   */
  public static final String MATCH_NOTHING = "less 1";

  private final FrameHandoff handoff;
  private final CaptureCounters counters;
  private final CaptureOpener opener;
  private final AtomicReference<CaptureChange> pending = new AtomicReference<>();
  private final FrameReceiver receiver = this::onFrame;
  private volatile CaptureSource source;
  private OneInNSampler sampler;
  private boolean sampling;
  private long lastStatisticsNs = Long.MIN_VALUE;
  private long kernelDropsBefore;
  private long interfaceDropsBefore;

  public CaptureWorker(
      CaptureSource source, FrameHandoff handoff, CaptureCounters counters, int sampleOneInN) {
    this(source, handoff, counters, sampleOneInN, null);
  }

  /**
   * @param opener opens a new handle when a change needs one; null if changes never do
   */
  public CaptureWorker(
      CaptureSource source,
      FrameHandoff handoff,
      CaptureCounters counters,
      int sampleOneInN,
      CaptureOpener opener) {
    this.source = source;
    this.handoff = handoff;
    this.counters = counters;
    this.opener = opener;
    this.sampler = new OneInNSampler(sampleOneInN);
    this.sampling = sampleOneInN > 1;
  }

  /**
   * Hands {@code change} to the capture thread (any thread may call this); a change not yet applied
   * is replaced and completed exceptionally.
   */
  public void post(CaptureChange change) {
    CaptureChange replaced = pending.getAndSet(change);
    if (replaced != null) {
      replaced.done().completeExceptionally(new IllegalStateException("superseded"));
    }
  }

  /** The source read now (it changes when a change reopens the handle). */
  public CaptureSource source() {
    return source;
  }

  @Override
  public int doWork(long nowNs) throws CaptureException {
    CaptureChange change = pending.getAndSet(null);
    if (change != null) {
      apply(change);
    }
    int frames = source.dispatch(FRAMES_PER_DISPATCH, receiver);
    if (lastStatisticsNs == Long.MIN_VALUE || nowNs - lastStatisticsNs >= STATISTICS_INTERVAL_NS) {
      lastStatisticsNs = nowNs;
      refreshStatistics();
    }
    return frames;
  }

  private void apply(CaptureChange change) {
    try {
      if (change.reopen() != null) {
        reopen(change.reopen(), change.filter());
      } else {
        source.setFilter(change.filter());
      }
      sampler = new OneInNSampler(change.sampleOneInN());
      sampling = change.sampleOneInN() > 1;
      change.done().complete(null);
    } catch (CaptureException | RuntimeException e) {
      change.done().completeExceptionally(e);
    }
  }

  /**
   * Opens the new handle first, passing nothing, so that a failure leaves the old one running; then
   * reads what the old one holds, closes it and opens the new one's filter. Only frames arriving
   * between the last read and the filter switch (a few system calls) are seen by neither.
   */
  private void reopen(CaptureSpec spec, String filter) throws CaptureException {
    if (opener == null) {
      throw new CaptureException("this capture cannot reopen its handle");
    }
    CaptureSource fresh = opener.open(spec.withFilter(MATCH_NOTHING));
    CaptureSource old = source;
    try {
      for (int i = 0; i < REOPEN_DRAIN_DISPATCHES; i++) {
        if (old.dispatch(FRAMES_PER_DISPATCH, receiver) == 0) {
          break;
        }
      }
      refreshStatistics();
      fresh.setFilter(filter);
    } catch (CaptureException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    kernelDropsBefore = counters.kernelDrops.get();
    interfaceDropsBefore = counters.interfaceDrops.get();
    source = fresh;
    old.close();
    counters.reopens.increment();
  }

  private void onFrame(
      MemorySegment memory,
      long offset,
      int capturedLength,
      int originalLength,
      long captureTimeNs) {
    counters.captured.increment();
    counters.capturedBytes.add(capturedLength);
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
    counters.kernelDrops.set(kernelDropsBefore + statistics.kernelDrops());
    counters.interfaceDrops.set(interfaceDropsBefore + statistics.interfaceDrops());
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
      CaptureChange change = pending.getAndSet(null);
      if (change != null) {
        change.done().completeExceptionally(new IllegalStateException("capture stopped"));
      }
    }
  }
}
