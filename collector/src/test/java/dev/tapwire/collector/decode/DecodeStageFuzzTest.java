package dev.tapwire.collector.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tapwire.collector.config.SessionAllowlist;
import dev.tapwire.collector.config.SessionRange;
import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.merge.MergeCounters;
import dev.tapwire.collector.metrics.CollectorBooks;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import java.util.List;

/**
 * The whole decode stage (classifier, allowlists, reassembler, stream table, sequence accounting)
 * over a sequence of received packets. The input is a series of records: {@code op, length, bytes}
 * where the low two bits of {@code op} pick how the packet arrived (raw IPv4 with its header, raw
 * IPv6 payload, UDP payload to VXLAN or to GRE-in-UDP) and the upper bits advance the clock.
 *
 * <p>Invariants: nothing throws; every frame taken from the pools goes back once the output is
 * drained; the decode and fragment equations balance; the tables stay within their bounds; a
 * delivered frame lies inside its packet. Regression mode replays {@code
 * DecodeStageFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DecodeStageFuzzTest {
  private static final int MAX_DATAGRAMS = 4;
  private static final int MAX_STREAMS = 8;

  @FuzzTest
  void packetSequence(byte[] input) {
    FramePools pools = new FramePools(16, 2);
    SpscQueue<Frame> in = new SpscQueue<>(16);
    SpscQueue<Frame> out = new SpscQueue<>(16);
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {in};
    Ipv4Reassembler reassembler = new Ipv4Reassembler(MAX_DATAGRAMS, 65_535, 1_000_000L, 16);
    StreamTable streams = new StreamTable(MAX_STREAMS, 10_000_000L);
    DecodeStage stage =
        new DecodeStage(
            inputs,
            out,
            pools,
            new TunnelClassifier(),
            new SourceAllowlist(List.of()),
            new SessionAllowlist(
                List.of(new SessionRange(0, 600), new SessionRange(4096, 1L << 24))),
            reassembler,
            streams);
    long nowNs = 0;
    int p = 0;
    while (p + 2 <= input.length) {
      int op = input[p] & 0xFF;
      int length = input[p + 1] & 0xFF | (op & 0x80) << 1; // up to 511 bytes
      p += 2;
      length = Math.min(length, input.length - p);
      nowNs += (op >>> 2 & 0x1F) * 100_000L;
      Frame frame = pools.take(length);
      if (frame == null) {
        throw new AssertionError("pool exhausted: a frame was kept");
      }
      frame.buffer().setBytes(0, input, p, length);
      frame.packetLength = length;
      frame.receiveTimeNs = nowNs;
      switch (op & 3) {
        case 0 -> frame.origin = Frame.ORIGIN_RAW_IPV4;
        case 1 -> {
          frame.origin = Frame.ORIGIN_RAW_IPV6;
          frame.addressLength = 16;
          frame.sourceAddress[15] = (byte) op;
          frame.destinationAddress[15] = 2;
        }
        default -> {
          frame.origin = Frame.ORIGIN_UDP;
          frame.addressLength = 4;
          frame.sourceAddress[3] = (byte) op;
          frame.destinationAddress[3] = 2;
          frame.sourcePort = 40_000;
          frame.destinationPort = (op & 3) == 2 ? 4789 : 4754;
        }
      }
      p += length;
      if (!in.offer(frame)) {
        frame.release();
      }
      stage.doWork(nowNs);
      drain(out);
      if (streams.size() > MAX_STREAMS || reassembler.partialDatagrams() > MAX_DATAGRAMS) {
        throw new AssertionError("a table passed its bound");
      }
    }
    stage.doWork(nowNs + 1_000_000_000L);
    drain(out);
    CollectorBooks books =
        new CollectorBooks(List.of(), stage.counters(), out, new MergeCounters(1), List.of());
    if (!books.decode().balanced() || !books.fragments().balanced()) {
      throw new AssertionError(books.balances().toString());
    }
    long inUse =
        (long) pools.small().slotCount()
            - pools.small().freeSlots()
            + pools.large().slotCount()
            - pools.large().freeSlots();
    if (inUse != 0) {
      throw new AssertionError(inUse + " pooled frames never released");
    }
  }

  private static void drain(SpscQueue<Frame> out) {
    Frame f;
    while ((f = out.poll()) != null) {
      if (f.innerOffset < 0
          || f.innerLength <= 0
          || f.innerOffset + f.innerLength > f.packetLength) {
        throw new AssertionError(
            "frame outside its packet: " + f.innerOffset + "+" + f.innerLength);
      }
      f.release();
    }
  }
}
