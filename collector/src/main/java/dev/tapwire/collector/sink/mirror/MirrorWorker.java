package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkWorker;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.wire.pcap.LinkType;
import java.util.function.Consumer;

/**
 * The mirror sink's stage: per cycle, refills the policer, drains up to one batch of frames, checks
 * and polices each, copies the admitted ones into the transmitter's batch, releases every frame,
 * and sends the batch with one call.
 */
final class MirrorWorker implements SinkWorker {
  /** An Ethernet header: the kernel refuses anything shorter. */
  static final int MIN_FRAME_BYTES = 14;

  private final SpscQueue<Frame> queue;
  private final FrameTransmitter transmitter;
  private final FairSharePolicer policer;
  private final MirrorSinkCounters counters;
  private final int maxFrameBytes;
  private final StreamDescriptor[] slotStreams;
  private final int[] slotLengths;
  private final Consumer<Frame> handler = this::handle;
  private long nowNs;

  MirrorWorker(
      SpscQueue<Frame> queue,
      FrameTransmitter transmitter,
      FairSharePolicer policer,
      MirrorSinkCounters counters,
      int maxFrameBytes) {
    this.queue = queue;
    this.transmitter = transmitter;
    this.policer = policer;
    this.counters = counters;
    this.maxFrameBytes = Math.min(maxFrameBytes, transmitter.maxFrameBytes());
    this.slotStreams = new StreamDescriptor[transmitter.batchCapacity()];
    this.slotLengths = new int[transmitter.batchCapacity()];
  }

  @Override
  public String roleName() {
    return "collector-mirror";
  }

  @Override
  public int doWork(long nowNs) {
    this.nowNs = nowNs;
    policer.refill(nowNs);
    int frames = queue.drain(handler, transmitter.batchCapacity());
    if (transmitter.pending() > 0) {
      send();
    }
    return frames;
  }

  /** Sends what is still queued (policed as usual), then closes the transmitter. */
  @Override
  public void onClose() {
    closeAt(System.nanoTime());
  }

  @Override
  public void closeAt(long nowNs) {
    try {
      while (doWork(nowNs) > 0) {
        // every accepted frame is sent or counted before the socket closes
      }
    } finally {
      transmitter.close();
    }
  }

  private void handle(Frame frame) {
    try {
      StreamDescriptor stream = frame.stream;
      int length = frame.innerLength;
      if (stream == null) {
        counters.drop(MirrorSinkCounters.NO_STREAM, 1);
      } else if (frame.innerLinkType != LinkType.ETHERNET) {
        counters.drop(MirrorSinkCounters.LINK_TYPE_UNSUPPORTED, 1);
      } else if (length < MIN_FRAME_BYTES) {
        counters.drop(MirrorSinkCounters.FRAME_TOO_SHORT, 1);
      } else if (length > maxFrameBytes) {
        counters.drop(MirrorSinkCounters.FRAME_TOO_LONG, 1);
      } else if (!policer.admit(stream, length, nowNs)) {
        counters.drop(MirrorSinkCounters.OVERSUBSCRIBED, 1);
      } else {
        int slot = transmitter.pending();
        slotStreams[slot] = stream;
        slotLengths[slot] = length;
        transmitter.add(frame.segment(), frame.innerOffset, length);
      }
    } finally {
      frame.release();
    }
  }

  private void send() {
    int pending = transmitter.pending();
    long bytes = 0;
    long wireBits = 0;
    for (int i = 0; i < pending; i++) {
      bytes += slotLengths[i];
      wireBits += FairSharePolicer.wireBits(slotLengths[i]);
    }
    int sent = transmitter.send();
    counters.sendCall();
    int failed = transmitter.lastFailed();
    for (int k = 0; k < failed; k++) {
      int slot = transmitter.failedIndex(k);
      counters.drop(transmitter.failedReason(k), 1);
      policer.countNotSent(slotStreams[slot]);
      bytes -= slotLengths[slot];
      wireBits -= FairSharePolicer.wireBits(slotLengths[slot]);
    }
    counters.delivered(sent, bytes, wireBits);
    for (int i = 0; i < pending; i++) {
      slotStreams[i] = null;
    }
  }
}
