package dev.tapwire.cli.decap;

import dev.tapwire.wire.seq.SequenceTracker;

/** Counters and output state of one tunnel stream during {@code tapwire decap}. */
final class DecapStream {
  private final StreamKey key;
  private final String streamIdName;

  final SequenceTracker sequence = new SequenceTracker();
  int interfaceId = -1;
  long frames;
  long bytes;
  long truncatedFrames;
  long framesNotWritten;
  long sequenceGapEvents;
  long missingSequenceNumbers;
  long firstTimestampNs;
  long lastTimestampNs;

  /**
   * @param streamIdName what the stream id is: "session", "vni" or "key"
   */
  DecapStream(StreamKey key, String streamIdName) {
    this.key = key;
    this.streamIdName = streamIdName;
  }

  StreamKey key() {
    return key;
  }

  String streamIdName() {
    return streamIdName;
  }

  /** pcapng if_name, e.g. {@code 198.18.1.1/erspan_ii-101}. */
  String interfaceName() {
    return key.source()
        + "/"
        + key.encapsulation()
        + (key.streamId() >= 0 ? "-" + key.streamId() : "");
  }

  /** pcapng if_description: the outer path and what the stream id is. */
  String interfaceDescription() {
    return key.source()
        + " -> "
        + key.destination()
        + ", "
        + key.encapsulation()
        + " over "
        + key.carrier()
        + (key.streamId() >= 0 ? ", " + streamIdName + " " + key.streamId() : "");
  }

  void countFrame(long timestampNs, int lengthBytes, boolean truncated) {
    if (frames == 0) {
      firstTimestampNs = timestampNs;
    }
    frames++;
    bytes += lengthBytes;
    lastTimestampNs = timestampNs;
    if (truncated) {
      truncatedFrames++;
    }
  }

  void countMissing(long missing) {
    if (missing > 0) {
      sequenceGapEvents++;
      missingSequenceNumbers += missing;
    }
  }
}
