package dev.tapwire.wire.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Bounded reassembly of outer IPv4 fragments (RFC 791 §3.2, RFC 815 hole bookkeeping), keyed by
 * (source, destination, protocol, identification).
 *
 * <p>Memory is strictly bounded: at most {@code maxDatagrams} partial datagrams, each in a buffer
 * of {@code maxDatagramBytes} (plus 40 bytes of header room) that is allocated the first time its
 * slot is used and then reused forever. Nothing is allocated per fragment. The table is a fixed
 * array scanned linearly, which is cheap for the few hundred slots a collector needs.
 *
 * <p>Policy:
 *
 * <ul>
 *   <li>Fragments that overlap buffered ones with identical bytes are ignored ({@link
 *       Result#DUPLICATE} when they bring nothing new). Fragments that disagree with buffered ones
 *       (different bytes, or a different end of datagram) drop the whole datagram ({@link
 *       Result#OVERLAP}), in the spirit of RFC 5722.
 *   <li>A non-final fragment must carry a multiple of 8 payload bytes; an empty fragment is invalid
 *       (a conforming fragmenter never produces one).
 *   <li>When the table is full, the oldest partial datagram (by arrival of its first fragment) is
 *       evicted, so a flood of distinct identifications cannot grow the table.
 *   <li>A partial datagram times out {@code timeoutNs} after its first fragment; {@link #expire}
 *       removes them, and {@link #offer} never joins a fragment to a timed-out datagram.
 *   <li>The header checksum of fragments is not verified here; the caller's decoder does that.
 * </ul>
 *
 * <p>Accounting: every offered fragment ends up in exactly one place, so at any time {@code
 * fragmentsOffered() == fragmentsReassembled() + bufferedFragments() + sum(droppedFragments(r))}.
 *
 * <p>Not thread-safe: one instance per decoder thread. Time is an argument ({@code nowNs}); any
 * monotonic nanosecond clock works, and it may wrap.
 */
public final class Ipv4Reassembler {

  /** What {@link #offer} did with a fragment. */
  public enum Result {
    /** Buffered; the datagram is still incomplete. */
    BUFFERED(null),
    /** The fragment completed its datagram: see {@link #completedDatagram()}. */
    COMPLETE(null),
    DUPLICATE(FragmentDropReason.DUPLICATE),
    OVERLAP(FragmentDropReason.OVERLAP),
    TOO_LARGE(FragmentDropReason.TOO_LARGE),
    BAD_OFFSET(FragmentDropReason.BAD_OFFSET),
    TOO_MANY(FragmentDropReason.TOO_MANY),
    INVALID(FragmentDropReason.INVALID);

    private final FragmentDropReason dropReason;

    Result(FragmentDropReason dropReason) {
      this.dropReason = dropReason;
    }

    /** True when the offered fragment was dropped. */
    public boolean isDrop() {
      return dropReason != null;
    }

    /** The drop reason, or {@code null} for {@link #BUFFERED} and {@link #COMPLETE}. */
    public FragmentDropReason dropReason() {
      return dropReason;
    }
  }

  /** Room kept in front of the payload for the largest IPv4 header (IHL 15). */
  private static final int HEADER_ROOM = 60;

  private static final int MAX_IPV4_DATAGRAM_BYTES = 0xFFFF;
  private static final int MAX_FRAGMENTS = 8192; // distinct 8-byte offsets
  private static final FragmentDropReason[] REASONS = FragmentDropReason.values();
  private static final Result[] RESULTS = Result.values();

  private final int maxDatagramBytes;
  private final long timeoutNs;
  private final int maxFragmentsPerDatagram;
  private final Slot[] slots;

  private int partialDatagrams;
  private long bufferedBytes;
  private long bufferedFragments;
  private long nextSerial;
  private ByteBuf completed = Unpooled.EMPTY_BUFFER;

  private long fragmentsOffered;
  private long fragmentsReassembled;
  private long reassembled;
  private long evicted;
  private long timedOut;
  private final long[] droppedFragments = new long[REASONS.length];
  private final long[] results = new long[RESULTS.length];

  /**
   * @param maxDatagrams partial datagrams held at once, 1..65536
   * @param maxDatagramBytes largest reassembled datagram, header included, 28..65535
   * @param timeoutNs lifetime of a partial datagram from its first fragment, > 0
   * @param maxFragmentsPerDatagram fragments accepted per datagram, 2..8192
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public Ipv4Reassembler(
      int maxDatagrams, int maxDatagramBytes, long timeoutNs, int maxFragmentsPerDatagram) {
    requireInRange("maxDatagrams", maxDatagrams, 1, 65536);
    requireInRange(
        "maxDatagramBytes", maxDatagramBytes, Ipv4Header.MIN_LENGTH + 8, MAX_IPV4_DATAGRAM_BYTES);
    if (timeoutNs <= 0) {
      throw new IllegalArgumentException("timeoutNs must be > 0, got " + timeoutNs);
    }
    requireInRange("maxFragmentsPerDatagram", maxFragmentsPerDatagram, 2, MAX_FRAGMENTS);
    this.maxDatagramBytes = maxDatagramBytes;
    this.timeoutNs = timeoutNs;
    this.maxFragmentsPerDatagram = maxFragmentsPerDatagram;
    this.slots = new Slot[maxDatagrams];
    for (int i = 0; i < maxDatagrams; i++) {
      slots[i] = new Slot(maxFragmentsPerDatagram);
    }
  }

  private static void requireInRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /**
   * Offers one fragment: an IPv4 packet of {@code length} bytes at absolute {@code offset} for
   * which {@link Ipv4Header#isFragment} is true (anything else is {@link Result#INVALID}). Bytes
   * after the IPv4 total length (link padding) are ignored. The buffer is only read, and is not
   * retained. Never throws on any bytes.
   */
  public Result offer(ByteBuf buf, int offset, int length, long nowNs) {
    completed = Unpooled.EMPTY_BUFFER;
    fragmentsOffered++;
    Result result = accept(buf, offset, length, nowNs);
    results[result.ordinal()]++;
    if (result.isDrop()) {
      droppedFragments[result.dropReason().ordinal()]++;
    }
    return result;
  }

  private Result accept(ByteBuf buf, int offset, int length, long nowNs) {
    if (offset < 0 || length < 0 || offset > buf.capacity() - length) {
      return Result.INVALID;
    }
    if (Ipv4Header.validate(buf, offset, length) != Ipv4Header.VALID
        || !Ipv4Header.isFragment(buf, offset)) {
      return Result.INVALID;
    }
    int headerLength = Ipv4Header.headerLengthBytes(buf, offset);
    int payloadLength = Ipv4Header.totalLengthBytes(buf, offset) - headerLength;
    boolean last = !Ipv4Header.moreFragments(buf, offset);
    int start = Ipv4Header.fragmentOffsetBytes(buf, offset);
    int end = start + payloadLength;
    if (payloadLength == 0) {
      return Result.INVALID;
    }
    if (!last && (payloadLength & 7) != 0) {
      return Result.BAD_OFFSET;
    }

    int source = Ipv4Header.sourceAddress(buf, offset);
    int destination = Ipv4Header.destinationAddress(buf, offset);
    int protocolAndId =
        (Ipv4Header.protocol(buf, offset) << 16) | Ipv4Header.identification(buf, offset);
    Slot slot = find(source, destination, protocolAndId);
    if (slot != null && nowNs - slot.firstNs >= timeoutNs) {
      discard(slot, FragmentDropReason.TIMEOUT);
      timedOut++;
      slot = null;
    }

    int knownHeaderLength =
        start == 0 ? headerLength : slot != null ? slot.headerLength : Ipv4Header.MIN_LENGTH;
    if (knownHeaderLength == 0) {
      knownHeaderLength = Ipv4Header.MIN_LENGTH;
    }
    int knownEnd = slot != null ? Math.max(end, slot.maxEnd) : end;
    if (knownHeaderLength + knownEnd > maxDatagramBytes) {
      return dropDatagram(slot, Result.TOO_LARGE);
    }
    if (slot == null) {
      slot = allocate(source, destination, protocolAndId, nowNs);
    } else {
      Result verdict = judge(slot, buf, offset + headerLength, start, end, last);
      if (verdict != null) {
        return verdict;
      }
    }
    store(slot, buf, offset, headerLength, start, end, last);
    if (slot.isComplete()) {
      return complete(slot);
    }
    return Result.BUFFERED;
  }

  /** Judges a fragment against a partial datagram; null when it may be stored. */
  private Result judge(Slot slot, ByteBuf buf, int payloadIndex, int start, int end, boolean last) {
    if (contradictsEnd(slot, end, last)) {
      return dropDatagram(slot, Result.OVERLAP);
    }
    int covered = 0;
    for (int i = 0; i < slot.ranges; i++) {
      int overlapStart = Math.max(start, slot.starts[i]);
      int overlapEnd = Math.min(end, slot.ends[i]);
      if (overlapStart < overlapEnd) {
        if (!ByteBufUtil.equals(
            slot.buffer,
            HEADER_ROOM + overlapStart,
            buf,
            payloadIndex + overlapStart - start,
            overlapEnd - overlapStart)) {
          return dropDatagram(slot, Result.OVERLAP);
        }
        covered += overlapEnd - overlapStart;
      }
    }
    if (covered == end - start && (!last || slot.lastSeen)) {
      return Result.DUPLICATE;
    }
    if (slot.fragments >= maxFragmentsPerDatagram) {
      return dropDatagram(slot, Result.TOO_MANY);
    }
    return null;
  }

  /**
   * True when the fragment disagrees with what is known of the end of the datagram: a second final
   * fragment with another end, a final fragment before buffered data, or data beyond the end.
   */
  private static boolean contradictsEnd(Slot slot, int end, boolean last) {
    if (last) {
      return (slot.lastSeen && end != slot.totalPayload) || slot.maxEnd > end;
    }
    return slot.lastSeen && end > slot.totalPayload;
  }

  private void store(
      Slot slot, ByteBuf buf, int offset, int headerLength, int start, int end, boolean last) {
    int added = slot.insertRange(start, end);
    buf.getBytes(offset + headerLength, slot.data, HEADER_ROOM + start, end - start);
    if (start == 0) {
      buf.getBytes(offset, slot.data, HEADER_ROOM - headerLength, headerLength);
      slot.headerLength = headerLength;
      added += headerLength;
    }
    if (last) {
      slot.lastSeen = true;
      slot.totalPayload = end;
    }
    slot.maxEnd = Math.max(slot.maxEnd, end);
    slot.fragments++;
    slot.bytes += added;
    bufferedBytes += added;
    bufferedFragments++;
  }

  private Result complete(Slot slot) {
    int headerStart = HEADER_ROOM - slot.headerLength;
    int totalLength = slot.headerLength + slot.totalPayload;
    ByteBuf datagram = slot.buffer;
    datagram.setShort(headerStart + Ipv4Header.TOTAL_LENGTH_OFFSET, totalLength);
    int flags = datagram.getUnsignedShort(headerStart + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
    datagram.setShort(
        headerStart + Ipv4Header.FLAGS_FRAGMENT_OFFSET,
        flags & ~(Ipv4Header.FLAG_MORE_FRAGMENTS | Ipv4Header.FRAGMENT_OFFSET_MASK));
    Ipv4HeaderEncoder.updateChecksum(datagram, headerStart);
    reassembled++;
    fragmentsReassembled += slot.fragments;
    release(slot);
    completed = slot.view.setIndex(headerStart, headerStart + totalLength);
    return Result.COMPLETE;
  }

  /**
   * The datagram completed by the last {@link #offer} that returned {@link Result#COMPLETE},
   * between its reader and writer indexes, with a rebuilt header (MF and offset cleared, total
   * length set, checksum recomputed; options of the first fragment kept). Read-only, owned by this
   * reassembler (never release it), and valid until the next {@link #offer}. Empty when the last
   * offer did not complete a datagram.
   */
  public ByteBuf completedDatagram() {
    return completed;
  }

  /**
   * Drops the partial datagrams whose first fragment arrived {@code timeoutNs} or more before
   * {@code nowNs}.
   *
   * @return how many datagrams timed out in this call
   */
  public int expire(long nowNs) {
    int expired = 0;
    for (Slot slot : slots) {
      if (slot.inUse && nowNs - slot.firstNs >= timeoutNs) {
        discard(slot, FragmentDropReason.TIMEOUT);
        expired++;
      }
    }
    timedOut += expired;
    return expired;
  }

  private Slot find(int source, int destination, int protocolAndId) {
    if (partialDatagrams == 0) {
      return null;
    }
    for (Slot slot : slots) {
      if (slot.inUse
          && slot.protocolAndId == protocolAndId
          && slot.source == source
          && slot.destination == destination) {
        return slot;
      }
    }
    return null;
  }

  private Slot allocate(int source, int destination, int protocolAndId, long nowNs) {
    Slot free = null;
    Slot oldest = null;
    for (Slot slot : slots) {
      if (!slot.inUse) {
        free = slot;
        break;
      }
      if (oldest == null || slot.serial < oldest.serial) {
        oldest = slot;
      }
    }
    if (free == null) {
      discard(oldest, FragmentDropReason.TABLE_FULL);
      evicted++;
      free = oldest;
    }
    free.open(source, destination, protocolAndId, nowNs, nextSerial++, maxDatagramBytes);
    partialDatagrams++;
    return free;
  }

  private Result dropDatagram(Slot slot, Result reason) {
    if (slot != null) {
      discard(slot, reason.dropReason());
    }
    return reason;
  }

  /** Drops a partial datagram, counting its buffered fragments under {@code reason}. */
  private void discard(Slot slot, FragmentDropReason reason) {
    droppedFragments[reason.ordinal()] += slot.fragments;
    release(slot);
  }

  private void release(Slot slot) {
    bufferedBytes -= slot.bytes;
    bufferedFragments -= slot.fragments;
    partialDatagrams--;
    slot.inUse = false;
  }

  /** Partial datagrams currently held (never more than {@code maxDatagrams}). */
  public int partialDatagrams() {
    return partialDatagrams;
  }

  /** Header and payload bytes currently held for partial datagrams. */
  public long bufferedBytes() {
    return bufferedBytes;
  }

  /** Fragments currently held in partial datagrams. */
  public long bufferedFragments() {
    return bufferedFragments;
  }

  /** Fragments offered so far. */
  public long fragmentsOffered() {
    return fragmentsOffered;
  }

  /** Fragments that ended up in a reassembled datagram. */
  public long fragmentsReassembled() {
    return fragmentsReassembled;
  }

  /** Fragments dropped for {@code reason}, including those of dropped partial datagrams. */
  public long droppedFragments(FragmentDropReason reason) {
    return droppedFragments[reason.ordinal()];
  }

  /** How many offers returned {@code result}. */
  public long results(Result result) {
    return results[result.ordinal()];
  }

  /** Datagrams reassembled. */
  public long reassembled() {
    return reassembled;
  }

  /** Partial datagrams evicted because the table was full. */
  public long evicted() {
    return evicted;
  }

  /** Partial datagrams that timed out. */
  public long timedOut() {
    return timedOut;
  }

  /** Partial datagrams dropped because a fragment conflicted with them. */
  public long overlaps() {
    return results[Result.OVERLAP.ordinal()];
  }

  /** Identical duplicate fragments ignored. */
  public long duplicates() {
    return results[Result.DUPLICATE.ordinal()];
  }

  /** One partial datagram: key, received ranges (sorted, coalesced) and its reusable buffer. */
  private static final class Slot {
    final int[] starts;
    final int[] ends;
    boolean inUse;
    int source;
    int destination;
    int protocolAndId;
    long firstNs;
    long serial;
    int ranges;
    int fragments;
    int headerLength; // 0 until the first fragment (offset 0) arrives
    int maxEnd;
    boolean lastSeen;
    int totalPayload;
    int bytes;
    byte[] data;
    ByteBuf buffer;
    ByteBuf view;

    Slot(int maxFragments) {
      starts = new int[maxFragments];
      ends = new int[maxFragments];
    }

    void open(
        int source,
        int destination,
        int protocolAndId,
        long nowNs,
        long serial,
        int maxDatagramBytes) {
      if (data == null) {
        data = new byte[HEADER_ROOM + maxDatagramBytes - Ipv4Header.MIN_LENGTH];
        buffer = Unpooled.wrappedBuffer(data);
        view = Unpooled.unreleasableBuffer(buffer.asReadOnly());
      }
      this.inUse = true;
      this.source = source;
      this.destination = destination;
      this.protocolAndId = protocolAndId;
      this.firstNs = nowNs;
      this.serial = serial;
      ranges = 0;
      fragments = 0;
      headerLength = 0;
      maxEnd = 0;
      lastSeen = false;
      totalPayload = 0;
      bytes = 0;
    }

    boolean isComplete() {
      return lastSeen
          && headerLength != 0
          && ranges == 1
          && starts[0] == 0
          && ends[0] == totalPayload;
    }

    /**
     * Adds {@code [start, end)} to the coalesced ranges and returns how many bytes were new. The
     * caller guarantees room: ranges never outnumber accepted fragments.
     */
    int insertRange(int start, int end) {
      int first = 0; // first range that touches or follows [start, end)
      while (first < ranges && ends[first] < start) {
        first++;
      }
      int last = first - 1; // last range that touches [start, end)
      while (last + 1 < ranges && starts[last + 1] <= end) {
        last++;
      }
      int before = 0;
      for (int i = first; i <= last; i++) {
        before += ends[i] - starts[i];
      }
      if (last < first) {
        System.arraycopy(starts, first, starts, first + 1, ranges - first);
        System.arraycopy(ends, first, ends, first + 1, ranges - first);
        starts[first] = start;
        ends[first] = end;
        ranges++;
        return end - start;
      }
      int mergedStart = Math.min(start, starts[first]);
      int mergedEnd = Math.max(end, ends[last]);
      int removed = last - first;
      System.arraycopy(starts, last + 1, starts, first + 1, ranges - last - 1);
      System.arraycopy(ends, last + 1, ends, first + 1, ranges - last - 1);
      ranges -= removed;
      starts[first] = mergedStart;
      ends[first] = mergedEnd;
      return (mergedEnd - mergedStart) - before;
    }
  }

  @Override
  public String toString() {
    return "Ipv4Reassembler{partial="
        + partialDatagrams
        + ", bufferedBytes="
        + bufferedBytes
        + ", reassembled="
        + reassembled
        + ", dropped="
        + Arrays.toString(droppedFragments)
        + '}';
  }
}
