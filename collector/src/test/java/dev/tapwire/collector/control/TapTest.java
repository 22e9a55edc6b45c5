package dev.tapwire.collector.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.TapFrame;
import dev.tapwire.proto.v1.TapRequest;
import dev.tapwire.proto.v1.TapResponse;
import dev.tapwire.testkit.Poll;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TapTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int FRAMES = 4_000;

  private ControlTestServer server;
  private final SinkTestFrames frames = new SinkTestFrames(256, 1024);
  private final StreamDescriptor streamA = SinkTestFrames.stream(1, "198.18.0.2", 7);
  private final StreamDescriptor streamB = SinkTestFrames.stream(2, "198.18.0.3", 9);

  @BeforeEach
  void start() throws Exception {
    server =
        new ControlTestServer(
            ControlTestServer.plaintext(),
            new ControlLimits(
                TimeUnit.MINUTES.toNanos(1),
                TimeUnit.MINUTES.toNanos(1),
                4,
                64,
                TimeUnit.SECONDS.toNanos(1)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Offers frames as the merge stage would: a refused frame is released by the offerer. */
  private long feed(int first, int count) {
    long refused = 0;
    for (int i = first; i < first + count; i++) {
      StreamDescriptor stream = i % 2 == 0 ? streamA : streamB;
      Poll.until(WAIT, "a free frame slot", () -> frames.framesInFlight() < 1024);
      Frame frame = frames.frame(stream, SinkTestFrames.ethernet(1_400, i), 1_000_000L + i);
      if (!server.tap.offer(frame)) {
        refused++;
        frame.release();
      }
    }
    return refused;
  }

  @Test
  void aSlowClientLosesFramesCountedWhileAFastOneAndTheStageGetEverything() throws Exception {
    List<TapResponse> slowReceived = new CopyOnWriteArrayList<>();
    AdminServiceGrpc.newStub(server.channel())
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .tap(
            TapRequest.getDefaultInstance(),
            new ClientResponseObserver<TapRequest, TapResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<TapRequest> call) {
                call.disableAutoRequestWithInitial(1); // reads one message, then stalls
              }

              @Override
              public void onNext(TapResponse value) {
                slowReceived.add(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    Iterator<TapResponse> fast =
        AdminServiceGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .tap(
                TapRequest.newBuilder()
                    .addSessionIds(7)
                    .setBpfFilter("ether[14:4] < 200")
                    .setMaxFrames(100)
                    .build());
    Poll.until(WAIT, "both taps attached", () -> server.tap.clientCount() == 2);
    List<TapFrame> fastFrames = new CopyOnWriteArrayList<>();
    List<Integer> announced = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> fastDone =
        CompletableFuture.runAsync(
            () ->
                fast.forEachRemaining(
                    r -> {
                      r.getInterfacesList()
                          .forEach(i -> announced.add(i.getStream().getSessionId()));
                      fastFrames.addAll(r.getFramesList());
                    }));

    // The frames the fast client selects, at its pace (its queue holds only 64)...
    long refused = 0;
    for (int i = 0; i < 200; i += 2) {
      refused += feed(i, 2);
      int selected = i / 2 + 1;
      Poll.until(WAIT, "the fast client to read frame " + i, () -> fastFrames.size() >= selected);
    }
    // ...then many more than the stalled client's queue and transport buffers hold.
    refused += feed(200, FRAMES - 200);
    long accepted = FRAMES - refused;

    Poll.until(
        WAIT,
        "the tap stage to handle every accepted frame",
        () -> server.tap.framesDelivered() == accepted);
    Poll.until(WAIT, "every frame slot back in its pool", () -> frames.framesInFlight() == 0);
    long slowDrops = server.tap.copiesDroppedByReason().get("slow_reader");
    assertThat(slowDrops).as("copies the stalled client could not take").isPositive();
    assertThat(slowDrops).isLessThanOrEqualTo(accepted);
    assertThat(slowReceived).hasSize(1);

    fastDone.get(30, TimeUnit.SECONDS); // the stream ended at max_frames
    assertThat(announced).containsExactly(7);
    assertThat(fastFrames).hasSize(100);
    for (int i = 0; i < fastFrames.size(); i++) {
      byte[] data = fastFrames.get(i).getData().toByteArray();
      assertThat(SinkTestFrames.sequenceOf(data)).isEqualTo(2 * i); // even frames are stream A
      assertThat(SinkTestFrames.sha256(data))
          .isEqualTo(SinkTestFrames.sha256(SinkTestFrames.ethernet(1_400, 2 * i)));
      assertThat(fastFrames.get(i).getCaptureTimeUnixNanos()).isEqualTo(1_000_000L + 2 * i);
      assertThat(fastFrames.get(i).getOriginalLengthBytes()).isEqualTo(1_400);
    }
  }

  @Test
  void snapLengthCutsTappedFramesButKeepsTheOriginalLength() {
    Iterator<TapResponse> tap =
        AdminServiceGrpc.newBlockingStub(server.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .tap(TapRequest.newBuilder().setSnapLenBytes(64).setMaxFrames(3).build());
    Poll.until(WAIT, "the tap attached", () -> server.tap.clientCount() == 1);
    feed(0, 3);
    List<TapFrame> got = new ArrayList<>();
    tap.forEachRemaining(r -> got.addAll(r.getFramesList()));
    assertThat(got).hasSize(3);
    assertThat(got)
        .allSatisfy(
            f -> {
              assertThat(f.getData().size()).isEqualTo(64);
              assertThat(f.getOriginalLengthBytes()).isEqualTo(1_400);
            });
    Poll.until(WAIT, "the finished tap detached", () -> server.tap.clientCount() == 0);
  }
}
