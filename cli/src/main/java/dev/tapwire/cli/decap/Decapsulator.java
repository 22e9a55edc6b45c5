package dev.tapwire.cli.decap;

import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcapng.EpbFlags;
import dev.tapwire.wire.seq.SequenceAccounting;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.Encapsulation;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decapsulates one capture record at a time: classify, reassemble outer IPv4 fragments, account per
 * stream (frames, sequence gaps), and hand the inner frame to the output untouched.
 */
final class Decapsulator {
  /** Bounds of the offline reassembler: generous, as a file has no memory pressure from rate. */
  private static final int MAX_PARTIAL_DATAGRAMS = 4_096;

  private static final int MAX_DATAGRAM_BYTES = 65_535;
  private static final long FRAGMENT_TIMEOUT_NS = 30_000_000_000L;
  private static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;

  private final TunnelClassifier classifier;
  private final FrameOutput output;
  private final DecapStatistics statistics;
  private final DecodedFrame frame = new DecodedFrame();
  private final Ipv4Reassembler reassembler =
      new Ipv4Reassembler(
          MAX_PARTIAL_DATAGRAMS,
          MAX_DATAGRAM_BYTES,
          FRAGMENT_TIMEOUT_NS,
          MAX_FRAGMENTS_PER_DATAGRAM);
  private final Map<StreamKey, DecapStream> streams = new LinkedHashMap<>();
  private final Map<StreamKey.SourceKey, SequenceAccounting> sources = new HashMap<>();
  private long lastTimestampNs;

  Decapsulator(TunnelClassifier classifier, FrameOutput output, DecapStatistics statistics) {
    this.classifier = classifier;
    this.output = output;
    this.statistics = statistics;
  }

  Collection<DecapStream> streams() {
    return streams.values();
  }

  void accept(CaptureRecord record) throws IOException {
    statistics.recordsRead++;
    long timestampNs =
        record.timestampNs() == CaptureRecord.NO_TIMESTAMP ? lastTimestampNs : record.timestampNs();
    lastTimestampNs = timestampNs;
    ByteBuf data = record.data();
    Verdict verdict =
        classifier.classifyLinkLayer(
            record.linkType(), data, record.dataOffset(), record.capturedLength(), frame);
    if (verdict == Verdict.FRAGMENT) {
      statistics.fragmentRecords++;
      Ipv4Reassembler.Result result =
          reassembler.offer(data, frame.outerIpOffset(), frame.outerIpTotalLength(), timestampNs);
      if (result.isDrop()) {
        DecapStatistics.increment(statistics.fragmentsDroppedByReason, result.dropReason().label());
        return;
      }
      if (result != Ipv4Reassembler.Result.COMPLETE) {
        return;
      }
      statistics.datagramsReassembled++;
      data = reassembler.completedDatagram();
      verdict = classifier.classifyIp(data, data.readerIndex(), data.readableBytes(), frame);
    }
    switch (verdict) {
      case FRAME -> deliver(data, timestampNs);
      case NOT_TUNNEL -> {
        statistics.skippedPackets++;
        DecapStatistics.increment(statistics.skippedByReason, frame.reason().label());
      }
      case INVALID -> {
        statistics.invalidPackets++;
        DecapStatistics.increment(statistics.invalidByReason, frame.reason().label());
      }
      case FRAGMENT -> {
        // A reassembled datagram is never a fragment; count it as invalid if it ever were.
        statistics.invalidPackets++;
        DecapStatistics.increment(statistics.invalidByReason, "fragment_after_reassembly");
      }
    }
  }

  private void deliver(ByteBuf data, long timestampNs) throws IOException {
    statistics.framesDecapsulated++;
    if (frame.checksumPresent() && !frame.checksumValid()) {
      statistics.badGreChecksums++;
    }
    DecapStream stream = stream();
    long missing = 0;
    if (frame.hasSequence()) {
      SequenceAccounting accounting =
          sources.computeIfAbsent(stream.key().sourceKey(), key -> new SequenceAccounting());
      missing = accounting.observe(stream.sequence, frame.sequence());
      stream.countMissing(missing);
    }
    stream.countFrame(timestampNs, frame.innerLength(), frame.truncated());
    if (frame.truncated()) {
      statistics.framesTruncated++;
    }
    int direction =
        switch (frame.direction()) {
          case 0 -> EpbFlags.INBOUND;
          case 1 -> EpbFlags.OUTBOUND;
          default -> EpbFlags.DIRECTION_UNKNOWN;
        };
    boolean written =
        output.write(
            stream,
            timestampNs,
            data,
            frame.innerOffset(),
            frame.innerLength(),
            frame.innerLength(),
            direction,
            missing);
    if (written) {
      statistics.framesWritten++;
    } else {
      stream.framesNotWritten++;
      DecapStatistics.increment(
          statistics.notWrittenByReason, "inner_" + frame.innerProtocol().label() + "_in_pcap");
    }
  }

  private DecapStream stream() {
    StreamKey key =
        new StreamKey(
            address(frame.outerSourceAddress()),
            address(frame.outerDestinationAddress()),
            frame.carrier().label(),
            frame.encapsulation().label(),
            frame.streamId(),
            frame.innerProtocol().linkType());
    return streams.computeIfAbsent(
        key, k -> new DecapStream(k, streamIdName(frame.encapsulation())));
  }

  private static String streamIdName(Encapsulation encapsulation) {
    return switch (encapsulation) {
      case ERSPAN_II, ERSPAN_III, GRPC -> "session";
      case VXLAN -> "vni";
      case ERSPAN_I, GRE_TEB, GRE_IP -> "key";
    };
  }

  private String address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(Arrays.copyOf(bytes, frame.addressLength())).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of length " + frame.addressLength(), e);
    }
  }
}
