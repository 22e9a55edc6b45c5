package dev.tapwire.collector.metrics;

import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.merge.MergeCounters;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.runtime.work.SpscQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * The collector's accounting equations: every packet and frame is in exactly one place. Each {@link
 * Balance} is exact when the collector is quiet (nothing moving between stages); while traffic
 * flows the queue depths make them approximate. See collector/DESIGN.md.
 */
public final class CollectorBooks {
  /** One equation: {@code left == right}. */
  public record Balance(String equation, long left, long right) {
    public boolean balanced() {
      return left == right;
    }
  }

  private final List<ReceiveCounters> receivers;
  private final DecodeCounters decode;
  private final SpscQueue<?> mergeInput;
  private final MergeCounters merge;
  private final List<FrameSink> sinks;

  public CollectorBooks(
      List<ReceiveCounters> receivers,
      DecodeCounters decode,
      SpscQueue<?> mergeInput,
      MergeCounters merge,
      List<FrameSink> sinks) {
    this.receivers = List.copyOf(receivers);
    this.decode = decode;
    this.mergeInput = mergeInput;
    this.merge = merge;
    this.sinks = List.copyOf(sinks);
  }

  /** Every equation, evaluated now. */
  public List<Balance> balances() {
    List<Balance> balances = new ArrayList<>();
    balances.add(receive());
    balances.add(decode());
    balances.add(fragments());
    balances.add(merge());
    for (int i = 0; i < sinks.size(); i++) {
      balances.add(sink(i));
    }
    return balances;
  }

  /** Packets received = receive drops + queued for decode + taken by decode. */
  public Balance receive() {
    long received = 0;
    long accounted = decode.packetsIn.get();
    for (ReceiveCounters r : receivers) {
      received += r.packets.get();
      accounted += r.dropped() + r.queuedFrames();
    }
    return new Balance(
        "received = receive drops + receive queues + decode input", received, accounted);
  }

  /**
   * Decode input + reassembled datagrams = decoded + invalid + skipped + source or session not
   * allowed + no frame for a datagram + fragments.
   */
  public Balance decode() {
    long in = decode.packetsIn.get() + decode.datagramsReassembled.get();
    long out =
        decode.framesDecoded.get()
            + decode.invalid.sum()
            + decode.skipped.sum()
            + decode.droppedNotAllowed.get()
            + decode.droppedSessionNotAllowed.get()
            + decode.droppedBufferExhausted.get()
            + decode.fragmentsIn.get();
    return new Balance(
        "decode input + datagrams = decoded + invalid + skipped + not allowed + no buffer +"
            + " fragments",
        in,
        out);
  }

  /** Fragments = reassembled + dropped (by reason) + pending. */
  public Balance fragments() {
    return new Balance(
        "fragments = reassembled + dropped + pending",
        decode.fragmentsIn.get(),
        decode.fragmentsReassembled.get()
            + decode.fragmentsDropped.sum()
            + decode.fragmentsPending.get());
  }

  /**
   * Decoded = decode queue drops + merge queue + merge heap + late drops + duplicates + released
   * (each released frame is offered to every sink).
   */
  public Balance merge() {
    long released =
        sinks.isEmpty() ? 0 : merge.offeredPerSink.get(0); // every sink is offered each frame
    long accounted =
        decode.droppedQueueFull.get()
            + mergeInput.size()
            + merge.heapFrames.get()
            + merge.droppedLate.get()
            + merge.droppedDuplicate.get()
            + released;
    return new Balance(
        "decoded = decode queue drops + merge queue + heap + late + duplicate + released",
        decode.framesDecoded.get(),
        accounted);
  }

  /** Per sink: decoded = delivered + every drop on the way (stages and the sink) + in flight. */
  public Balance sink(int index) {
    FrameSink sink = sinks.get(index);
    long sinkDrops = merge.queueFullPerSink.get(index);
    for (long n : sink.framesDroppedByReason().values()) {
      sinkDrops += n;
    }
    long accounted =
        sink.framesDelivered()
            + decode.droppedQueueFull.get()
            + merge.droppedLate.get()
            + merge.droppedDuplicate.get()
            + sinkDrops
            + mergeInput.size()
            + merge.heapFrames.get()
            + sink.queuedFrames();
    return new Balance(
        "decoded = delivered + dropped + in flight, sink " + sink.name(),
        decode.framesDecoded.get(),
        accounted);
  }
}
