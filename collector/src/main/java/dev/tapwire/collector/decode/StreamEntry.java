package dev.tapwire.collector.decode;

import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.wire.seq.SequenceTracker;

/** One live stream in the {@link StreamTable}: its key, identity, sequence space and source. */
public final class StreamEntry {
  final StreamKey key = new StreamKey();
  final int slot;
  StreamDescriptor descriptor;
  SequenceTracker sequence;
  SourceEntry source;
  long lastSeenNs;
  boolean inUse;

  StreamEntry(int slot) {
    this.slot = slot;
  }

  public StreamDescriptor descriptor() {
    return descriptor;
  }

  /** The stream's own sequence space. */
  public SequenceTracker sequence() {
    return sequence;
  }

  /** The source (outer addresses, carrier, encapsulation) the stream belongs to. */
  public SourceEntry source() {
    return source;
  }
}
