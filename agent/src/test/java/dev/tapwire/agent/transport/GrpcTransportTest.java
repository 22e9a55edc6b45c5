package dev.tapwire.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.config.AgentConfig.TlsFiles;
import dev.tapwire.agent.encap.GrpcFrameFormat;
import dev.tapwire.proto.v1.Frame;
import dev.tapwire.proto.v1.FrameBatch;
import dev.tapwire.testkit.Poll;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gRPC transport against a scripted collector on loopback: frames arrive as sent, with their
 * capture times, original lengths and sequence numbers; a collector that stops reading makes the
 * agent drop and count with bounded memory; no collector means counted drops; and in every case the
 * frames committed equal the frames sent plus the frames dropped by reason.
 */
class GrpcTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Totals totals = new Totals();

  @Test
  void framesRoundTripWithTimesLengthsAndSequences() throws Exception {
    try (ScriptedCollector collector = ScriptedCollector.start(ScriptedCollector.Mode.ACK, 8);
        GrpcTransport transport = open(collector.port(), new int[] {1, 7})) {
      awaitReady(transport);
      Random random = new Random(1);
      List<byte[]> sent = new ArrayList<>();
      int frames = 700;
      for (int i = 0; i < frames; i++) {
        int length = i == 5 ? 9_000 : 60 + random.nextInt(1455);
        byte[] data = new byte[length];
        random.nextBytes(data);
        sent.add(data);
        int original = i == 9 ? 20_000 : length; // one frame cut to the snap length
        commit(transport, i % 2 == 0 ? 1 : 7, 1_700_000_000_000_000_000L + i, original, data);
        if (i % 100 == 99) {
          // A producer that never outruns the stream: wait until it has taken every batch.
          Poll.until(
              TIMEOUT, "batches taken", () -> flush(transport) && transport.pendingPackets() == 0);
        }
      }
      flush(transport);
      Poll.until(
          TIMEOUT,
          "every frame acknowledged",
          () -> flush(transport) && totals.sent == frames,
          totals::toString);
      assertThat(totals.dropped()).isZero();

      long[] nextFrame = {0, 1, 0, 0, 0, 0, 0, 1};
      long[] nextBatch = {0, 1, 0, 0, 0, 0, 0, 1};
      int[] index = {0, 0};
      List<FrameBatch> batches = collector.batches;
      for (FrameBatch batch : batches) {
        int session = batch.getSessionId();
        assertThat(session).isIn(1, 7);
        assertThat(batch.getAgentId()).isEqualTo("test-agent");
        assertThat(batch.getBatchSequence()).isEqualTo(nextBatch[session]++);
        assertThat(batch.getFirstFrameSequence()).isEqualTo(nextFrame[session]);
        assertThat(batch.getFramesCount()).isBetween(1, FrameBatchBuffer.MAX_FRAMES);
        nextFrame[session] += batch.getFramesCount();
        for (Frame frame : batch.getFramesList()) {
          int k = index[session == 1 ? 0 : 1]++;
          int i = 2 * k + (session == 1 ? 0 : 1);
          assertThat(frame.getData().toByteArray()).as("frame %d", i).isEqualTo(sent.get(i));
          assertThat(frame.getCaptureTimeUnixNanos()).isEqualTo(1_700_000_000_000_000_000L + i);
          assertThat(frame.getOriginalLengthBytes())
              .isEqualTo(i == 9 ? 20_000 : sent.get(i).length);
          assertThat(frame.getFlags()).isEqualTo(GrpcFrameFormat.FLAG_INBOUND);
        }
      }
      assertThat(index[0] + index[1]).isEqualTo(frames);
      assertThat(collector.streams.get()).isEqualTo(1);
      transport.finish(outcome());
      totals.add(outcome);
      assertThat(totals.sent).isEqualTo(frames);
      assertThat(totals.dropped()).isZero();
    }
  }

  @Test
  void aCollectorThatStopsReadingMakesTheAgentDropAndCountWithBoundedMemory() throws Exception {
    try (ScriptedCollector collector = ScriptedCollector.start(ScriptedCollector.Mode.STALL, 2);
        GrpcTransport transport = open(collector.port(), new int[] {1})) {
      awaitReady(transport);
      byte[] data = new byte[1_000];
      int committed = 0;
      long mostHeld = 0;
      for (int round = 0; round < 40; round++) {
        for (int i = 0; i < FrameBatchBuffer.MAX_FRAMES; i++) {
          commit(transport, 1, round, data.length, data);
          committed++;
        }
        flush(transport);
        mostHeld = Math.max(mostHeld, transport.unsettledFrames());
      }
      // The collector holds at most the window; the agent at most its buffers.
      assertThat(mostHeld)
          .isLessThanOrEqualTo((long) (GrpcTransport.BUFFERS + 2) * FrameBatchBuffer.MAX_FRAMES);
      assertThat(totals.streamFull).as("dropped: stream full").isPositive();
      assertThat(totals.sent).as("nothing acknowledged").isZero();
      transport.finishTimeoutNs(Duration.ofMillis(300).toNanos());
      transport.finish(outcome());
      totals.add(outcome);
      assertThat(totals.sendError).as("unacknowledged at the end").isPositive();
      assertThat(totals.sent + totals.dropped()).as("books: %s", totals).isEqualTo(committed);
      assertThat(collector.batches).isNotEmpty();
    }
  }

  @Test
  void withoutACollectorFramesAreDroppedAsUnreachable() throws Exception {
    int port;
    try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = reserved.getLocalPort();
    }
    try (GrpcTransport transport = open(port, new int[] {3})) {
      byte[] data = new byte[64];
      int committed = 0;
      Poll.until(
          TIMEOUT,
          "frames dropped as collector_unreachable",
          () -> {
            commit(transport, 3, 1, data.length, data);
            flush(transport);
            return totals.unreachable > 0;
          },
          totals::toString);
      committed = (int) (totals.unreachable + totals.streamFull);
      assertThat(transport.ready()).isFalse();
      transport.finish(outcome());
      totals.add(outcome);
      assertThat(totals.sent).isZero();
      assertThat(totals.dropped()).isGreaterThanOrEqualTo(committed);
    }
  }

  @Test
  void reconnectsWhenTheCollectorComesBack() throws Exception {
    int port;
    try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = reserved.getLocalPort();
    }
    try (GrpcTransport transport = open(port, new int[] {1})) {
      Poll.until(
          TIMEOUT,
          "a failed attempt",
          () -> flush(transport) && !transport.ready() && transport.hasUnsettled());
      try (ScriptedCollector collector =
          ScriptedCollector.start(ScriptedCollector.Mode.ACK, 4, port)) {
        awaitReady(transport);
        byte[] data = new byte[100];
        commit(transport, 1, 1, data.length, data);
        Poll.until(TIMEOUT, "frame acknowledged", () -> flush(transport) && totals.sent == 1);
        assertThat(collector.batches.getFirst().getBatchSequence()).isEqualTo(1);
      }
    }
  }

  private final SendOutcome outcome = new SendOutcome();

  private SendOutcome outcome() {
    return outcome;
  }

  private boolean flush(GrpcTransport transport) {
    transport.flush(outcome);
    totals.add(outcome);
    return true;
  }

  private void awaitReady(GrpcTransport transport) {
    Poll.until(TIMEOUT, "stream open", () -> flush(transport) && transport.ready());
  }

  private static GrpcTransport open(int port, int[] sessions) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return GrpcTransport.open(
        new GrpcTransport.Options(
            loopback,
            port,
            loopback.getHostAddress(),
            TlsFiles.NONE,
            "test-agent",
            sessions,
            GrpcFrameFormat.HEADER_BYTES + 9_000));
  }

  /** Writes a slot as the encapsulator with {@link GrpcFrameFormat} does, and commits it. */
  private static void commit(
      GrpcTransport transport, int session, long timeNs, int originalLength, byte[] data) {
    PacketSlot slot = transport.nextSlot();
    ByteBuf out = slot.buffer();
    out.clear();
    out.writeLong(timeNs);
    out.writeInt(originalLength);
    out.writeShort(session);
    out.writeShort(GrpcFrameFormat.FLAG_INBOUND);
    out.writeBytes(data);
    transport.commit(GrpcFrameFormat.HEADER_BYTES + data.length);
  }

  private static final class Totals {
    long sent;
    long sendError;
    long streamFull;
    long unreachable;

    void add(SendOutcome o) {
      sent += o.sent;
      sendError += o.failed;
      streamFull += o.streamFull;
      unreachable += o.collectorUnreachable;
    }

    long dropped() {
      return sendError + streamFull + unreachable;
    }

    @Override
    public String toString() {
      return "sent "
          + sent
          + ", send_error "
          + sendError
          + ", stream_full "
          + streamFull
          + ", collector_unreachable "
          + unreachable;
    }
  }
}
