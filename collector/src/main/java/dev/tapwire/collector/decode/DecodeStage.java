package dev.tapwire.collector.decode;

import dev.tapwire.collector.config.SessionAllowlist;
import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.stream.StreamCounters;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.runtime.work.Worker;
import dev.tapwire.wire.ip.FragmentDropReason;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.ByteBuf;

/**
 * Decodes every received packet: finds the inner frame with the tunnel codecs, applies the source
 * and session allowlists, reassembles outer IPv4 fragments, keys the frame to its stream, measures
 * network loss from GRE sequence numbers, and hands the frame, described, to the merge stage.
 *
 * <p>Every packet ends in exactly one place: decoded, invalid (by reason), skipped as not tunnel
 * traffic (by reason), dropped (not allowed, no frame for a reassembled datagram), or offered to
 * the reassembler (where it is reassembled, dropped by reason, or pending). One thread; nothing is
 * allocated per packet except when a new stream appears.
 */
public final class DecodeStage implements Worker {
  private static final int BATCH = 256;
  private static final long MAINTENANCE_PERIOD_NS = 100_000_000L;
  private static final FragmentDropReason[] FRAGMENT_REASONS = FragmentDropReason.values();

  private final SpscQueue<Frame>[] inputs;
  private final SpscQueue<Frame> output;
  private final FramePools pools;
  private final TunnelClassifier classifier;
  private final SourceAllowlist allowlist;
  private final SessionAllowlist sessions;
  private final Ipv4Reassembler reassembler;
  private final StreamTable streams;
  private final DecodedFrame decoded = new DecodedFrame();
  private final DecodeCounters counters = new DecodeCounters();
  private long nextMaintenanceNs = Long.MIN_VALUE;
  private int nextInput;

  /** A stage that accepts every session. */
  public DecodeStage(
      SpscQueue<Frame>[] inputs,
      SpscQueue<Frame> output,
      FramePools pools,
      TunnelClassifier classifier,
      SourceAllowlist allowlist,
      Ipv4Reassembler reassembler,
      StreamTable streams) {
    this(inputs, output, pools, classifier, allowlist, SessionAllowlist.ANY, reassembler, streams);
  }

  /**
   * @param inputs one queue per receiver thread
   * @param output the queue to the merge stage
   * @param pools where frames for reassembled datagrams come from
   * @param sessions the stream ids (session, VNI, key) whose frames are delivered
   */
  public DecodeStage(
      SpscQueue<Frame>[] inputs,
      SpscQueue<Frame> output,
      FramePools pools,
      TunnelClassifier classifier,
      SourceAllowlist allowlist,
      SessionAllowlist sessions,
      Ipv4Reassembler reassembler,
      StreamTable streams) {
    this.inputs = inputs.clone();
    this.output = output;
    this.pools = pools;
    this.classifier = classifier;
    this.allowlist = allowlist;
    this.sessions = sessions;
    this.reassembler = reassembler;
    this.streams = streams;
  }

  public DecodeCounters counters() {
    return counters;
  }

  public StreamTable streams() {
    return streams;
  }

  @Override
  public String roleName() {
    return "collector-decode";
  }

  @Override
  public int doWork(long nowNs) {
    int work = 0;
    int queues = inputs.length;
    // Round robin over the receivers, starting one further each cycle, so none is favoured.
    for (int q = 0; q < queues; q++) {
      SpscQueue<Frame> input = inputs[(nextInput + q) % queues];
      Frame frame;
      int taken = 0;
      while (taken < BATCH && (frame = input.poll()) != null) {
        counters.packetsIn.increment();
        decode(frame, nowNs);
        taken++;
      }
      work += taken;
    }
    nextInput = queues == 0 ? 0 : (nextInput + 1) % queues;
    if (nowNs - nextMaintenanceNs >= 0 || nextMaintenanceNs == Long.MIN_VALUE) {
      nextMaintenanceNs = nowNs + MAINTENANCE_PERIOD_NS;
      maintain(nowNs);
    }
    return work;
  }

  /** Drains what the (stopped) receivers left in the queues. */
  @Override
  public void onClose() {
    long nowNs = System.nanoTime();
    while (doWork(nowNs) > 0) {
      // keep draining
    }
    streams.publishDescriptors();
  }

  /** Expires idle streams and partial datagrams, and publishes what the scrape reads. */
  private void maintain(long nowNs) {
    streams.expireIdle(nowNs);
    streams.publishDescriptors();
    if (reassembler.partialDatagrams() > 0) {
      reassembler.expire(nowNs);
      publishFragmentCounters();
    }
  }

  /** Decodes one packet the stage now owns; it is handed on or released, never kept. */
  void decode(Frame frame, long nowNs) {
    Verdict verdict = classify(frame);
    if (decoded.addressLength() > 0
        && !allowlist.allowsAll()
        && !allowlist.allows(decoded.outerSourceAddress(), decoded.addressLength())) {
      counters.droppedNotAllowed.increment();
      frame.release();
      return;
    }
    switch (verdict) {
      case FRAME -> deliver(frame, nowNs);
      case FRAGMENT -> reassemble(frame, nowNs);
      case INVALID -> {
        counters.invalid.increment(decoded.reason().ordinal());
        frame.release();
      }
      case NOT_TUNNEL -> {
        counters.skipped.increment(decoded.reason().ordinal());
        frame.release();
      }
    }
  }

  private Verdict classify(Frame frame) {
    ByteBuf buf = frame.buffer();
    int length = frame.packetLength;
    switch (frame.origin) {
      case Frame.ORIGIN_RAW_IPV6 -> {
        decoded.reset();
        if (frame.addressLength > 0) {
          decoded.setOuterAddresses(
              frame.sourceAddress, frame.destinationAddress, frame.addressLength);
        }
        return classifier.classifyGre(buf, 0, length, decoded);
      }
      case Frame.ORIGIN_UDP -> {
        decoded.reset();
        if (frame.addressLength > 0) {
          decoded.setOuterAddresses(
              frame.sourceAddress, frame.destinationAddress, frame.addressLength);
        }
        decoded.setOuterUdpPorts(frame.sourcePort, frame.destinationPort);
        return classifier.classifyUdpPayload(buf, 0, length, frame.destinationPort, decoded);
      }
      case Frame.ORIGIN_GRPC -> {
        decoded.reset();
        if (frame.addressLength > 0) {
          decoded.setOuterAddresses(
              frame.sourceAddress, frame.destinationAddress, frame.addressLength);
        }
        int direction =
            frame.direction == Frame.DIRECTION_INBOUND
                ? 0
                : frame.direction == Frame.DIRECTION_OUTBOUND ? 1 : -1;
        return decoded.setDecapsulated(
            length,
            frame.sessionId,
            frame.sequence,
            frame.captureTimeNs,
            direction,
            frame.truncated);
      }
      default -> {
        return classifier.classifyIp(buf, 0, length, decoded);
      }
    }
  }

  private void deliver(Frame frame, long nowNs) {
    // Checked before the stream table, so that foreign sessions cannot take its slots.
    if (!sessions.allowsAll() && !sessions.allows(decoded.streamId())) {
      counters.droppedSessionNotAllowed.increment();
      frame.release();
      return;
    }
    StreamEntry stream = streams.lookupOrCreate(decoded, nowNs);
    StreamCounters streamCounters = stream.descriptor.counters();
    long lossDelta =
        decoded.hasSequence()
            ? stream.source.accounting.observe(stream.sequence, decoded.sequence())
            : 0;
    if (lossDelta > 0) {
      counters.framesLost.add(lossDelta);
    } else if (lossDelta < 0) {
      counters.framesRecovered.add(-lossDelta);
    }
    streamCounters.countLoss(lossDelta);
    streamCounters.countFrame(decoded.innerLength(), decoded.truncated(), frame.receiveTimeNs);
    if (decoded.checksumPresent() && !decoded.checksumValid()) {
      counters.greChecksumErrors.increment();
    }
    if (decoded.truncated()) {
      counters.framesTruncated.increment();
    }
    frame.innerOffset = decoded.innerOffset();
    frame.innerLength = decoded.innerLength();
    // The gRPC transport carries the original length; the tunnels carry what was sent.
    if (frame.origin != Frame.ORIGIN_GRPC) {
      frame.originalLength = decoded.innerLength();
    }
    frame.innerLinkType = decoded.innerProtocol().linkType();
    long captureTimeNs = decoded.captureTimeNs();
    frame.captureTimeNs = captureTimeNs >= 0 ? captureTimeNs : frame.receiveTimeNs;
    int direction = decoded.direction();
    frame.direction =
        direction == 0
            ? Frame.DIRECTION_INBOUND
            : direction == 1 ? Frame.DIRECTION_OUTBOUND : Frame.DIRECTION_UNKNOWN;
    frame.truncated = decoded.truncated();
    frame.stream = stream.descriptor;
    frame.missingBefore = Math.max(0, lossDelta);
    counters.framesDecoded.increment();
    counters.bytesDecoded.add(decoded.innerLength());
    if (!output.offer(frame)) {
      counters.droppedQueueFull.increment();
      frame.release();
    }
  }

  private void reassemble(Frame fragment, long nowNs) {
    counters.fragmentsIn.increment();
    Ipv4Reassembler.Result result =
        reassembler.offer(fragment.buffer(), 0, fragment.packetLength, nowNs);
    long receiveTimeNs = fragment.receiveTimeNs;
    int receiverIndex = fragment.receiverIndex;
    fragment.release();
    if (result == Ipv4Reassembler.Result.COMPLETE) {
      ByteBuf datagram = reassembler.completedDatagram();
      int length = datagram.readableBytes();
      counters.datagramsReassembled.increment();
      Frame whole = pools.take(length);
      if (whole == null) {
        counters.droppedBufferExhausted.increment();
      } else {
        whole.buffer().setBytes(0, datagram, datagram.readerIndex(), length);
        whole.packetLength = length;
        whole.receiveTimeNs = receiveTimeNs;
        whole.receiverIndex = receiverIndex;
        whole.origin = Frame.ORIGIN_RAW_IPV4;
        publishFragmentCounters();
        decode(whole, nowNs);
        return;
      }
    }
    publishFragmentCounters();
  }

  private void publishFragmentCounters() {
    counters.fragmentsReassembled.set(reassembler.fragmentsReassembled());
    counters.fragmentsPending.set(reassembler.bufferedFragments());
    counters.reassemblyEvictions.set(reassembler.evicted());
    counters.reassemblyTimeouts.set(reassembler.timedOut());
    counters.reassemblyPartialDatagrams.set(reassembler.partialDatagrams());
    for (FragmentDropReason reason : FRAGMENT_REASONS) {
      counters.fragmentsDropped.set(reason.ordinal(), reassembler.droppedFragments(reason));
    }
  }
}
