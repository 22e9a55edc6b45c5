package dev.tapwire.collector.decode;

import dev.tapwire.collector.metrics.SingleWriterCounters;
import dev.tapwire.runtime.metrics.SingleWriterCounter;
import dev.tapwire.wire.ip.FragmentDropReason;
import dev.tapwire.wire.tunnel.DecodeReason;

/** What the decode stage counts; written by the decode thread only, read by anyone. */
public final class DecodeCounters {
  /** Packets taken from the receivers' queues. */
  public final SingleWriterCounter packetsIn = new SingleWriterCounter();

  /** Malformed or unsupported packets, by {@link DecodeReason} ordinal. */
  public final SingleWriterCounters invalid =
      new SingleWriterCounters(DecodeReason.values().length);

  /** Packets that are not mirror traffic, by {@link DecodeReason} ordinal. */
  public final SingleWriterCounters skipped =
      new SingleWriterCounters(DecodeReason.values().length);

  /** Packets from a source outside the allowlist. */
  public final SingleWriterCounter droppedNotAllowed = new SingleWriterCounter();

  /** Frames whose session, VNI or key is outside the session allowlist. */
  public final SingleWriterCounter droppedSessionNotAllowed = new SingleWriterCounter();

  /** Reassembled datagrams dropped because no pooled frame was free for them. */
  public final SingleWriterCounter droppedBufferExhausted = new SingleWriterCounter();

  /** Decoded frames dropped because the queue to the merge stage was full. */
  public final SingleWriterCounter droppedQueueFull = new SingleWriterCounter();

  /** Inner frames found. */
  public final SingleWriterCounter framesDecoded = new SingleWriterCounter();

  /** Bytes of those inner frames. */
  public final SingleWriterCounter bytesDecoded = new SingleWriterCounter();

  /** Inner frames the mirroring device marked as truncated (ERSPAN T bit). */
  public final SingleWriterCounter framesTruncated = new SingleWriterCounter();

  /** Frames with a GRE checksum that does not verify (delivered anyway: the frame is opaque). */
  public final SingleWriterCounter greChecksumErrors = new SingleWriterCounter();

  /** Frames found missing from sequence gaps (network loss), never decreasing. */
  public final SingleWriterCounter framesLost = new SingleWriterCounter();

  /** Frames counted missing that arrived later, out of order. */
  public final SingleWriterCounter framesRecovered = new SingleWriterCounter();

  /** Outer IPv4 fragments offered to the reassembler. */
  public final SingleWriterCounter fragmentsIn = new SingleWriterCounter();

  /** Fragments that became part of a reassembled datagram. */
  public final SingleWriterCounter fragmentsReassembled = new SingleWriterCounter();

  /** Datagrams reassembled (each is decoded like a received packet). */
  public final SingleWriterCounter datagramsReassembled = new SingleWriterCounter();

  /** Fragments dropped, by {@link FragmentDropReason} ordinal. */
  public final SingleWriterCounters fragmentsDropped =
      new SingleWriterCounters(FragmentDropReason.values().length);

  /** Partial datagrams evicted, oldest first, to make room for a new one (table full). */
  public final SingleWriterCounter reassemblyEvictions = new SingleWriterCounter();

  /** Partial datagrams dropped because they were not completed in time. */
  public final SingleWriterCounter reassemblyTimeouts = new SingleWriterCounter();

  /** Partial datagrams held now. */
  public final SingleWriterCounter reassemblyPartialDatagrams = new SingleWriterCounter();

  /** Fragments held in partial datagrams. */
  public final SingleWriterCounter fragmentsPending = new SingleWriterCounter();
}
