package dev.tapwire.collector.receive.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.proto.v1.FrameBatch;
import dev.tapwire.runtime.work.SpscQueue;

/**
 * Fuzzes the collector side of the gRPC transport: bytes parsed as a {@code FrameBatch} (what
 * gRPC's marshaller does) and taken by the {@link GrpcIngress}. Without {@code JAZZER_FUZZ} this
 * runs in regression mode over the seeds in {@code GrpcBatchFuzzTestInputs/acceptBatch/}.
 *
 * <p>Invariants: nothing throws; every frame of the batch is accepted or dropped, exactly once;
 * accepted frames carry the batch's bytes and lengths; every pooled frame comes back.
 */
class GrpcBatchFuzzTest {
  private final FramePools pools = new FramePools(64, 4);
  private final SpscQueue<Frame> queue = new SpscQueue<>(128);
  private final ReceiveCounters counters = new ReceiveCounters("grpc", queue);
  private final GrpcIngress ingress = new GrpcIngress(pools, queue, counters, 0);

  @FuzzTest
  void acceptBatch(byte[] data) {
    FrameBatch batch;
    try {
      batch = FrameBatch.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return; // gRPC refuses the message before the service sees it
    }
    GrpcIngress.StreamState state = new GrpcIngress.StreamState();
    ingress.accept(batch, state, PeerAddresses.Pair.UNKNOWN);
    assertThat(state.acceptedFrames() + state.droppedFrames()).isEqualTo(batch.getFramesCount());
    int accepted = 0;
    Frame frame;
    while ((frame = queue.poll()) != null) {
      accepted++;
      // The frame's sequence number says which frame of the batch it is.
      long index = frame.sequence - batch.getFirstFrameSequence();
      assertThat(index).isBetween(0L, (long) batch.getFramesCount() - 1);
      dev.tapwire.proto.v1.Frame proto = batch.getFrames((int) index);
      assertThat(BatchConverter.check(proto)).isNull();
      assertThat(frame.packetLength).isEqualTo(proto.getData().size());
      assertThat(frame.originalLength).isGreaterThanOrEqualTo(frame.packetLength);
      assertThat(frame.captureTimeNs).isEqualTo(proto.getCaptureTimeUnixNanos());
      byte[] bytes = new byte[frame.packetLength];
      frame.buffer().getBytes(0, bytes);
      assertThat(bytes).isEqualTo(proto.getData().toByteArray());
      frame.release();
    }
    assertThat((long) accepted).isEqualTo(state.acceptedFrames());
    assertThat(pools.small().freeSlots()).isEqualTo(64);
    assertThat(pools.large().freeSlots()).isEqualTo(4);
  }
}
