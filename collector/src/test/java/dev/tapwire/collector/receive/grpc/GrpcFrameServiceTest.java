package dev.tapwire.collector.receive.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.proto.v1.DataServiceGrpc;
import dev.tapwire.proto.v1.FrameBatch;
import dev.tapwire.proto.v1.StreamFramesRequest;
import dev.tapwire.proto.v1.StreamFramesResponse;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.testkit.Poll;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service in-process: batches become pre-decoded frames in the queue, malformed frames are
 * counted by reason and answered as dropped, and a queue near full stops the stream from reading
 * (flow control) instead of dropping.
 */
class GrpcFrameServiceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final FramePools pools = new FramePools(1024, 8);
  private final SpscQueue<Frame> queue = new SpscQueue<>(512);
  private final ReceiveCounters counters = new ReceiveCounters("grpc", queue);
  private final GrpcIngress ingress = new GrpcIngress(pools, queue, counters, 3);
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  private final ManagedChannel channel;
  private final List<StreamFramesResponse> answers = new CopyOnWriteArrayList<>();

  GrpcFrameServiceTest() throws Exception {
    server =
        InProcessServerBuilder.forName(name)
            .addService(new GrpcFrameService(ingress))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void close() {
    channel.shutdownNow();
    server.shutdownNow();
    ingress.close();
    Frame frame;
    while ((frame = queue.poll()) != null) {
      frame.release();
    }
  }

  @Test
  void framesEnterTheQueuePreDecodedAndMalformedOnesAreCounted() {
    StreamObserver<StreamFramesRequest> stream = open();
    FrameBatch batch =
        FrameBatch.newBuilder()
            .setAgentId("a1")
            .setSessionId(5)
            .setBatchSequence(1)
            .setFirstFrameSequence(10)
            .addFrames(frame(1_000L, 60, 0b01, bytes(60, 1)))
            .addFrames(frame(2_000L, 0, 0, ByteString.EMPTY)) // empty
            .addFrames(frame(3_000L, 9_000, 0b10, bytes(100, 2))) // truncated by snap length
            .addFrames(frame(4_000L, 50, 0, bytes(60, 3))) // original shorter than data
            .addFrames(frame(5_000L, 70_000, 0, bytes(65_537, 4))) // too long
            .build();
    stream.onNext(StreamFramesRequest.newBuilder().setBatch(batch).build());
    Poll.until(TIMEOUT, "answer to the batch", () -> answers.size() >= 2, answers::toString);
    assertThat(answers.getFirst().getWindowBatches()).isEqualTo(GrpcFrameService.WINDOW_BATCHES);
    assertThat(answers.getFirst().getReceivedBatches()).isZero();
    StreamFramesResponse answer = answers.get(1);
    assertThat(answer.getReceivedBatches()).isEqualTo(1);
    assertThat(answer.getAcceptedFrames()).isEqualTo(2);
    assertThat(answer.getDroppedFrames()).isEqualTo(3);

    Frame first = queue.poll();
    Frame second = queue.poll();
    assertThat(queue.poll()).isNull();
    try {
      assertThat(first.origin).isEqualTo(Frame.ORIGIN_GRPC);
      assertThat(first.packetLength).isEqualTo(60);
      assertThat(bytesOf(first)).isEqualTo(bytes(60, 1).toByteArray());
      assertThat(first.captureTimeNs).isEqualTo(1_000L);
      assertThat(first.originalLength).isEqualTo(60);
      assertThat(first.sessionId).isEqualTo(5);
      assertThat(first.sequence).isEqualTo(10);
      assertThat(first.direction).isEqualTo(Frame.DIRECTION_INBOUND);
      assertThat(first.truncated).isFalse();
      assertThat(first.receiverIndex).isEqualTo(3);
      assertThat(second.sequence).isEqualTo(12);
      assertThat(second.originalLength).isEqualTo(9_000);
      assertThat(second.truncated).isTrue();
      assertThat(second.direction).isEqualTo(Frame.DIRECTION_OUTBOUND);
    } finally {
      first.release();
      second.release();
    }
    GrpcIngressCounters grpc = ingress.grpcCounters();
    assertThat(grpc.invalid.get(GrpcInvalidReason.FRAME_EMPTY.ordinal())).isEqualTo(1);
    assertThat(grpc.invalid.get(GrpcInvalidReason.ORIGINAL_LENGTH_SHORT.ordinal())).isEqualTo(1);
    assertThat(grpc.invalid.get(GrpcInvalidReason.FRAME_TOO_LONG.ordinal())).isEqualTo(1);
    assertThat(counters.packets.get()).isEqualTo(2);
    assertThat(grpc.batches.get()).isEqualTo(1);
    stream.onCompleted();
  }

  @Test
  void aQueueNearFullStopsReadingUntilDecodeMakesRoom() {
    StreamObserver<StreamFramesRequest> stream = open();
    // 300 frames leave 212 free slots: fewer than a batch needs, so the stream stops reading.
    for (int b = 1; b <= 3; b++) {
      FrameBatch.Builder batch =
          FrameBatch.newBuilder().setSessionId(1).setBatchSequence(b).setFirstFrameSequence(1);
      for (int i = 0; i < (b == 1 ? 300 : 100); i++) {
        batch.addFrames(frame(i, 64, 1, bytes(64, i)));
      }
      stream.onNext(StreamFramesRequest.newBuilder().setBatch(batch).build());
    }
    Poll.until(TIMEOUT, "first batch answered", () -> answers.size() >= 2);
    Poll.until(TIMEOUT, "the stream paused", () -> ingress.grpcCounters().pauses.get() == 1);
    assertThat(last().getReceivedBatches()).as("paused after one batch").isEqualTo(1);
    assertThat(queue.size()).isEqualTo(300);

    for (int i = 0; i < 300; i++) {
      queue.poll().release();
    }
    Poll.until(
        TIMEOUT,
        "the other batches read once there is room",
        () -> last().getReceivedBatches() == 3,
        () -> answers.toString());
    assertThat(last().getAcceptedFrames()).isEqualTo(500);
    assertThat(last().getDroppedFrames()).isZero();
    assertThat(counters.droppedQueueFull.get()).as("flow control, not drops").isZero();
    stream.onCompleted();
  }

  private StreamFramesResponse last() {
    return answers.getLast();
  }

  private StreamObserver<StreamFramesRequest> open() {
    StreamObserver<StreamFramesRequest> stream =
        DataServiceGrpc.newStub(channel)
            .streamFrames(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamFramesResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    Poll.until(TIMEOUT, "the opening answer", () -> !answers.isEmpty());
    return stream;
  }

  static dev.tapwire.proto.v1.Frame frame(
      long timeNs, int originalLength, int flags, ByteString data) {
    return dev.tapwire.proto.v1.Frame.newBuilder()
        .setCaptureTimeUnixNanos(timeNs)
        .setOriginalLengthBytes(originalLength)
        .setFlags(flags)
        .setData(data)
        .build();
  }

  static ByteString bytes(int length, int seed) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) (seed * 31 + i);
    }
    return ByteString.copyFrom(data);
  }

  static byte[] bytesOf(Frame frame) {
    byte[] out = new byte[frame.packetLength];
    frame.buffer().getBytes(0, out);
    return out;
  }
}
