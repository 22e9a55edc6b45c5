package dev.tapwire.collector.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.SourceAllowlist;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames of the gRPC transport through the decode stage: taken as they are (no tunnel parsing),
 * keyed by agent address and session, their original length and capture time kept, and a skip in
 * their frame sequence numbers counted as frames lost.
 */
class DecodeStageGrpcTest {
  private final FramePools pools = new FramePools(64, 4);
  private final SpscQueue<Frame> in = new SpscQueue<>(64);
  private final SpscQueue<Frame> out = new SpscQueue<>(64);
  private final DecodeStage stage;

  DecodeStageGrpcTest() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputs = new SpscQueue[] {in};
    stage =
        new DecodeStage(
            inputs,
            out,
            pools,
            new TunnelClassifier(),
            new SourceAllowlist(List.of()),
            new Ipv4Reassembler(4, 65_535, 1_000_000_000L, 4),
            new StreamTable(16, 300_000_000_000L));
  }

  @Test
  void framesAreKeyedCountedAndKeepTheirOriginalLength() {
    offer(198, 1, 1, 100, 1_514, 1_000); // truncated to 100 bytes by the agent's snap length
    offer(198, 1, 2, 60, 60, 2_000);
    offer(198, 1, 5, 60, 60, 3_000); // 3 and 4 lost
    offer(198, 2, 1, 60, 60, 4_000); // another session: another stream
    offer(199, 1, 1, 60, 60, 5_000); // another agent: another stream
    while (stage.doWork(0) > 0) {
      // drain
    }
    List<Frame> frames = new ArrayList<>();
    Frame f;
    while ((f = out.poll()) != null) {
      frames.add(f);
    }
    try {
      assertThat(frames).hasSize(5);
      Frame first = frames.getFirst();
      assertThat(first.innerOffset).isZero();
      assertThat(first.innerLength).isEqualTo(100);
      assertThat(first.originalLength).isEqualTo(1_514);
      assertThat(first.truncated).isTrue();
      assertThat(first.captureTimeNs).isEqualTo(1_000);
      assertThat(first.innerLinkType).isEqualTo(1);
      assertThat(frames.get(2).missingBefore).isEqualTo(2);
      assertThat(stage.counters().framesLost.get()).isEqualTo(2);
      assertThat(stage.counters().framesTruncated.get()).isEqualTo(1);
      assertThat(stage.counters().framesDecoded.get()).isEqualTo(5);
      StreamDescriptor stream = first.stream;
      assertThat(frames.get(1).stream).isSameAs(stream);
      assertThat(frames.get(3).stream).isNotSameAs(stream);
      assertThat(frames.get(4).stream).isNotSameAs(stream).isNotSameAs(frames.get(3).stream);
      assertThat(stream.interfaceName()).isEqualTo("198.18.0.198/grpc-1");
      assertThat(stream.counters().framesLost()).isEqualTo(2);
    } finally {
      frames.forEach(Frame::release);
    }
  }

  private void offer(int agentHost, int session, long sequence, int length, int original, long t) {
    Frame frame = pools.take(length);
    for (int i = 0; i < length; i++) {
      frame.buffer().setByte(i, i);
    }
    frame.packetLength = length;
    frame.originalLength = original;
    frame.captureTimeNs = t;
    frame.receiveTimeNs = t + 1;
    frame.origin = Frame.ORIGIN_GRPC;
    frame.sessionId = session;
    frame.sequence = sequence;
    frame.direction = Frame.DIRECTION_INBOUND;
    frame.truncated = length < original;
    byte[] source = {(byte) 198, 18, 0, (byte) agentHost};
    byte[] destination = {(byte) 198, 18, 0, 1};
    System.arraycopy(source, 0, frame.sourceAddress, 0, 4);
    System.arraycopy(destination, 0, frame.destinationAddress, 0, 4);
    frame.addressLength = 4;
    assertThat(in.offer(frame)).isTrue();
  }
}
