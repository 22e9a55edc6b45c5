package dev.tapwire.collector.decode;

import dev.tapwire.collector.stream.AddressText;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.runtime.metrics.SingleWriterCounter;
import dev.tapwire.wire.seq.SequenceAccounting;
import dev.tapwire.wire.seq.SequenceTracker;
import dev.tapwire.wire.tunnel.DecodedFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The live tunnel streams, keyed by outer source + destination + carrier + encapsulation + stream
 * id + inner link type, with the sources they belong to (the same key without stream id and link
 * type). Bounded: at most {@code maxStreams} streams (and so sources); a stream silent for {@code
 * idleNs} expires; when the table is full the least recently seen stream is evicted to make room,
 * and counted. Lookups of known streams allocate nothing; creating a stream allocates its
 * descriptor and sequence tracker. Decode thread only, except {@link #descriptors()}.
 */
public final class StreamTable {
  private final int maxStreams;
  private final long idleNs;
  private final StreamEntry[] streams;
  private final SourceEntry[] sources;
  private final EntryIndex streamIndex;
  private final EntryIndex sourceIndex;
  private final int[] freeStreams;
  private final int[] freeSources;
  private int freeStreamCount;
  private int freeSourceCount;
  // Least-recently-seen order: a doubly linked list of stream slots, most recent at the head.
  private final int[] newer;
  private final int[] older;
  private int mostRecent = -1;
  private int leastRecent = -1;
  private int size;
  private long nextStreamId = 1;

  private DecodedFrame probe;
  private final EntryIndex.Matcher streamMatcher = this::matchesStream;
  private final EntryIndex.Matcher sourceMatcher = this::matchesSource;

  private final SingleWriterCounter created = new SingleWriterCounter();
  private final SingleWriterCounter expired = new SingleWriterCounter();
  private final SingleWriterCounter evicted = new SingleWriterCounter();
  private final SingleWriterCounter live = new SingleWriterCounter();
  private boolean descriptorsChanged;
  private volatile List<StreamDescriptor> descriptors = List.of();

  public StreamTable(int maxStreams, long idleNs) {
    if (maxStreams < 1 || idleNs <= 0) {
      throw new IllegalArgumentException("bad stream table bounds " + maxStreams + ", " + idleNs);
    }
    this.maxStreams = maxStreams;
    this.idleNs = idleNs;
    this.streams = new StreamEntry[maxStreams];
    this.sources = new SourceEntry[maxStreams];
    this.freeStreams = new int[maxStreams];
    this.freeSources = new int[maxStreams];
    this.newer = new int[maxStreams];
    this.older = new int[maxStreams];
    for (int i = 0; i < maxStreams; i++) {
      streams[i] = new StreamEntry(i);
      sources[i] = new SourceEntry(i);
      freeStreams[i] = maxStreams - 1 - i;
      freeSources[i] = maxStreams - 1 - i;
    }
    freeStreamCount = maxStreams;
    freeSourceCount = maxStreams;
    this.streamIndex = new EntryIndex(maxStreams);
    this.sourceIndex = new EntryIndex(maxStreams);
  }

  /**
   * The stream of a decoded {@link dev.tapwire.wire.tunnel.Verdict#FRAME}, created if new, marked
   * as seen at {@code nowNs} (the stage's monotonic clock).
   */
  public StreamEntry lookupOrCreate(DecodedFrame frame, long nowNs) {
    probe = frame;
    long hash = StreamKey.streamHash(frame);
    int slot = streamIndex.find(hash, streamMatcher);
    StreamEntry entry;
    if (slot >= 0) {
      entry = streams[slot];
      unlink(slot);
    } else {
      entry = create(frame, hash);
    }
    entry.lastSeenNs = nowNs;
    linkMostRecent(entry.slot);
    probe = null;
    return entry;
  }

  /** Removes the streams silent for the idle time or longer; returns how many. */
  public int expireIdle(long nowNs) {
    int n = 0;
    while (leastRecent >= 0 && nowNs - streams[leastRecent].lastSeenNs >= idleNs) {
      remove(streams[leastRecent]);
      expired.increment();
      n++;
    }
    return n;
  }

  /** Live streams. */
  public int size() {
    return size;
  }

  public int maxStreams() {
    return maxStreams;
  }

  /** Streams created so far. */
  public long created() {
    return created.get();
  }

  /** Streams removed because they were idle. */
  public long expired() {
    return expired.get();
  }

  /** Streams removed to make room for a new one (the table was full). */
  public long evicted() {
    return evicted.get();
  }

  /** Live streams, readable from any thread. */
  public long liveStreams() {
    return live.get();
  }

  /**
   * The live streams' descriptors as of the last {@link #publishDescriptors()}: any thread (the
   * metrics scrape). Never longer than the table.
   */
  public List<StreamDescriptor> descriptors() {
    return descriptors;
  }

  /** Publishes the descriptor list if streams came or went since the last call. */
  public void publishDescriptors() {
    if (!descriptorsChanged) {
      return;
    }
    descriptorsChanged = false;
    List<StreamDescriptor> list = new ArrayList<>(size);
    for (int slot = mostRecent; slot >= 0; slot = older[slot]) {
      list.add(streams[slot].descriptor);
    }
    descriptors = List.copyOf(list);
  }

  private StreamEntry create(DecodedFrame frame, long hash) {
    if (freeStreamCount == 0) {
      remove(streams[leastRecent]);
      evicted.increment();
    }
    StreamEntry entry = streams[freeStreams[--freeStreamCount]];
    entry.key.copyFrom(frame, true);
    entry.source = sourceFor(frame);
    entry.source.streams++;
    entry.sequence = new SequenceTracker();
    entry.descriptor =
        new StreamDescriptor(
            nextStreamId++,
            StreamNames.interfaceName(frame),
            StreamNames.description(frame),
            frame.innerProtocol().linkType(),
            AddressText.of(frame.outerSourceAddress(), frame.addressLength()),
            new StreamCounters());
    entry.inUse = true;
    streamIndex.insert(hash, entry.slot);
    size++;
    live.set(size);
    created.increment();
    descriptorsChanged = true;
    return entry;
  }

  private SourceEntry sourceFor(DecodedFrame frame) {
    long hash = StreamKey.sourceHash(frame);
    int slot = sourceIndex.find(hash, sourceMatcher);
    if (slot >= 0) {
      return sources[slot];
    }
    // Sources never outnumber streams, and a stream slot is free here, so a source slot is too.
    SourceEntry source = sources[freeSources[--freeSourceCount]];
    source.key.copyFrom(frame, false);
    source.accounting = new SequenceAccounting();
    source.streams = 0;
    sourceIndex.insert(hash, source.slot);
    return source;
  }

  private void remove(StreamEntry entry) {
    unlink(entry.slot);
    streamIndex.remove(entry.slot);
    SourceEntry source = entry.source;
    if (--source.streams == 0) {
      sourceIndex.remove(source.slot);
      source.accounting = null;
      freeSources[freeSourceCount++] = source.slot;
    }
    entry.source = null;
    entry.sequence = null;
    entry.descriptor = null;
    entry.inUse = false;
    freeStreams[freeStreamCount++] = entry.slot;
    size--;
    live.set(size);
    descriptorsChanged = true;
  }

  private boolean matchesStream(int slot) {
    return streams[slot].key.matches(probe, true);
  }

  private boolean matchesSource(int slot) {
    return sources[slot].key.matches(probe, false);
  }

  private void linkMostRecent(int slot) {
    newer[slot] = -1;
    older[slot] = mostRecent;
    if (mostRecent >= 0) {
      newer[mostRecent] = slot;
    }
    mostRecent = slot;
    if (leastRecent < 0) {
      leastRecent = slot;
    }
  }

  private void unlink(int slot) {
    int n = newer[slot];
    int o = older[slot];
    if (n >= 0) {
      older[n] = o;
    } else {
      mostRecent = o;
    }
    if (o >= 0) {
      newer[o] = n;
    } else {
      leastRecent = n;
    }
    newer[slot] = -1;
    older[slot] = -1;
  }
}
