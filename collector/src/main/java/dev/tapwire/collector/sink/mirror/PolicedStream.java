package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.stream.StreamDescriptor;

/**
 * Policer state and counters of one source stream. The mirror's worker thread writes; the metrics
 * scrape reads (volatile fields, single writer).
 */
final class PolicedStream {
  final StreamDescriptor stream;

  /** Tokens in nanobits (10^-9 bit): a bits-per-second rate times nanoseconds. */
  long tokensNanobits;

  long lastOfferNs;

  volatile long framesOffered;
  volatile long framesAdmitted;
  volatile long framesDroppedOversubscribed;
  volatile long bytesAdmitted;
  volatile long framesNotSent;
  volatile long tokenBits;

  PolicedStream(StreamDescriptor stream, long tokensNanobits, long nowNs) {
    this.stream = stream;
    this.tokensNanobits = tokensNanobits;
    this.lastOfferNs = nowNs;
  }

  MirrorStreamStats snapshot(long fairShareBitsPerSecond) {
    return new MirrorStreamStats(
        stream,
        framesOffered,
        framesAdmitted,
        framesDroppedOversubscribed,
        bytesAdmitted,
        framesNotSent,
        tokenBits,
        fairShareBitsPerSecond);
  }
}
