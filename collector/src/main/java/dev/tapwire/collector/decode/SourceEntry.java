package dev.tapwire.collector.decode;

import dev.tapwire.wire.seq.SequenceAccounting;

/**
 * One tunnel source in the {@link StreamTable}: the sequence accounting shared by its streams (see
 * {@code dev.tapwire.wire.seq}). It lives as long as one of its streams does.
 */
public final class SourceEntry {
  final StreamKey key = new StreamKey();
  final int slot;
  SequenceAccounting accounting;
  int streams;

  SourceEntry(int slot) {
    this.slot = slot;
  }

  public SequenceAccounting accounting() {
    return accounting;
  }
}
