package dev.tapwire.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.TestFrames;
import dev.tapwire.agent.capture.CaptureSource;
import dev.tapwire.agent.capture.CaptureStatistics;
import dev.tapwire.agent.capture.FrameReceiver;
import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.Erspan3Format;
import dev.tapwire.agent.encap.RateLimiter;
import dev.tapwire.agent.encap.Session;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.metrics.AgentMetrics;
import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.agent.metrics.CaptureCounters;
import dev.tapwire.agent.metrics.SendCounters;
import dev.tapwire.agent.transport.PacketSlot;
import dev.tapwire.agent.transport.SendOutcome;
import dev.tapwire.agent.transport.Transport;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The books balance whatever happens: both stages driven by hand on one thread, with a fake source
 * that delivers more than the hand-off holds, sampling, a rate limit and a transport that refuses
 * some packets.
 */
class BooksBalanceTest {
  @Test
  void everyCapturedFrameIsSentOrDroppedForAReason() throws Exception {
    FakeSource source = new FakeSource(10_000);
    CaptureCounters captureCounters = new CaptureCounters("fake0");
    SendCounters sendCounters = new SendCounters();
    FakeTransport transport = new FakeTransport(7);
    try (FrameHandoff handoff = new FrameHandoff(64, 1500)) {
      CaptureWorker capture = new CaptureWorker(source, handoff, captureCounters, 3);
      SendWorker send =
          new SendWorker(
              List.of(handoff),
              List.of(new Session(1, 1, 0, 0)),
              new Encapsulator(new Erspan3Format(), 20, 1500, true, 65_535, 1480),
              transport,
              new RateLimiter(0, 1_000, 1500),
              sendCounters);
      long nowNs = 0;
      while (source.remaining() > 0) {
        capture.doWork(nowNs); // 256 frames: more than the hand-off holds
        send.doWork(nowNs);
        nowNs += 50_000_000L; // 50 ms: 50 packets of rate
      }
      send.onClose();
      AgentMetrics metrics = new AgentMetrics(List.of(captureCounters), sendCounters);
      AgentTotals totals = metrics.totals(handoff.queuedFrames());

      assertThat(totals.captured()).isEqualTo(10_000);
      assertThat(totals.sampledOut()).as("1 in 3 kept").isEqualTo(10_000 - 3_334);
      assertThat(totals.queueFull()).isPositive();
      assertThat(totals.rateLimited()).isPositive();
      assertThat(totals.sendError()).isEqualTo(transport.refused);
      assertThat(totals.sendError()).isPositive();
      assertThat(totals.sent()).isEqualTo(transport.accepted).isPositive();
      assertThat(totals.inFlight()).isZero();
      assertThat(totals.balanced()).as("%s", totals).isTrue();

      PrometheusRegistry registry = new PrometheusRegistry();
      metrics.register(registry, i -> 0, i -> 1);
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(text, registry.scrape());
      String scrape = text.toString(StandardCharsets.UTF_8);
      assertThat(scrape)
          .contains("tapwire_agent_frames_captured_total{interface=\"fake0\"} 10000.0")
          .contains(
              "tapwire_agent_frames_dropped_total{reason=\"sampled_out\",stage=\"capture\"} 6666.0")
          .contains("tapwire_agent_frames_sent_total " + totals.sent() + ".0")
          .contains("tapwire_agent_kernel_drops_total{interface=\"fake0\"} 3.0");
    }
  }

  @Test
  void theDataPathAllocatesNothingPerFrameOnceWarm() throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (dev.tapwire.agent.encap.TunnelFormat format :
        List.of(
            new Erspan3Format(),
            new dev.tapwire.agent.encap.Erspan2Format(),
            new dev.tapwire.agent.encap.TebFormat(),
            new dev.tapwire.agent.encap.VxlanFormat(
                4789,
                java.net.InetAddress.getByName("2001:db8::1"),
                java.net.InetAddress.getByName("2001:db8::2")))) {
      FakeSource source = new FakeSource(Integer.MAX_VALUE);
      FakeTransport transport = new FakeTransport(1_000);
      try (FrameHandoff handoff = new FrameHandoff(1024, 1500)) {
        CaptureWorker capture = new CaptureWorker(source, handoff, new CaptureCounters("fake0"), 2);
        SendWorker send =
            new SendWorker(
                List.of(handoff),
                List.of(new Session(1, 1, 0, 0)),
                new Encapsulator(format, 40, 1500, true, 65_535, 1460),
                transport,
                new RateLimiter(1_000_000_000L, 10_000_000, 1500),
                new SendCounters());
        long nowNs = 0;
        for (int i = 0; i < 2_000; i++) { // warm up: JIT
          capture.doWork(nowNs);
          send.doWork(nowNs);
          nowNs += 100_000;
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) { // 256k frames captured, half sent
          capture.doWork(nowNs);
          send.doWork(nowNs);
          nowNs += 100_000;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated)
            .as("bytes allocated for 256,000 frames with %s", format.getClass().getSimpleName())
            .isLessThan(4_096);
      }
    }
  }

  /** Delivers up to 256 small frames per dispatch; reports 3 kernel drops. */
  private static final class FakeSource implements CaptureSource {
    private final byte[] frame = TestFrames.udpFrame(64, 1);
    private final MemorySegment memory = MemorySegment.ofArray(frame);
    private int remaining;

    FakeSource(int frames) {
      this.remaining = frames;
    }

    int remaining() {
      return remaining;
    }

    @Override
    public String interfaceName() {
      return "fake0";
    }

    @Override
    public int dispatch(int maxFrames, FrameReceiver receiver) {
      int n = Math.min(maxFrames, remaining);
      for (int i = 0; i < n; i++) {
        receiver.onFrame(memory, 0, frame.length, frame.length, 1_000L + i);
      }
      remaining -= n;
      return n;
    }

    @Override
    public CaptureStatistics statistics() {
      return new CaptureStatistics(10_003, 3, 0);
    }

    @Override
    public boolean nanosecondTimestamps() {
      return true;
    }

    @Override
    public void breakLoop() {}

    @Override
    public void close() {}
  }

  /** Accepts packets, refusing every {@code n}-th. */
  private static final class FakeTransport implements Transport {
    private final Arena arena = Arena.ofConfined();
    private final List<PacketSlot> slots = new ArrayList<>();
    private final int refuseEvery;
    private int pending;
    private long total;
    long accepted;
    long refused;

    FakeTransport(int refuseEvery) {
      this.refuseEvery = refuseEvery;
      for (int i = 0; i < 16; i++) {
        slots.add(new PacketSlot(arena.allocate(1500)));
      }
    }

    @Override
    public int maxPacketBytes() {
      return 1480;
    }

    @Override
    public int outerIpHeaderBytes() {
      return 20;
    }

    @Override
    public boolean isFull() {
      return pending == slots.size();
    }

    @Override
    public int pendingPackets() {
      return pending;
    }

    @Override
    public PacketSlot nextSlot() {
      return slots.get(pending);
    }

    @Override
    public void commit(int length) {
      pending++;
    }

    @Override
    public void flush(SendOutcome outcome) {
      int failed = 0;
      for (int i = 0; i < pending; i++) {
        if (++total % refuseEvery == 0) {
          failed++;
        }
      }
      outcome.sent = pending - failed;
      outcome.failed = failed;
      outcome.bytesSent = 0;
      accepted += pending - failed;
      refused += failed;
      pending = 0;
    }

    @Override
    public String description() {
      return "fake";
    }

    @Override
    public void close() {}
  }
}
