package dev.tapwire.bench.grpc;

import dev.tapwire.agent.config.AgentConfig.TlsFiles;
import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.Erspan3Format;
import dev.tapwire.agent.encap.GrpcFrameFormat;
import dev.tapwire.agent.encap.RateLimiter;
import dev.tapwire.agent.encap.Session;
import dev.tapwire.agent.encap.TunnelFormat;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.handoff.FrameSlot;
import dev.tapwire.agent.metrics.SendCounters;
import dev.tapwire.agent.pipeline.SendWorker;
import dev.tapwire.agent.transport.GrpcTransport;
import dev.tapwire.agent.transport.RawIpTransport;
import dev.tapwire.agent.transport.Transport;
import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorConfigLoader;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.receive.grpc.GrpcDataServer;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.work.BackoffIdleStrategy;
import dev.tapwire.runtime.work.WorkerThread;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.VethPair;
import io.grpc.InsecureServerCredentials;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Sustained throughput of the agent's send stage into a collector, raw GRE (ERSPAN III, one packet
 * per frame, {@code sendmmsg} batches of 64) against the gRPC transport (batches of up to 256
 * frames on one HTTP/2 stream, plaintext), on the same synthetic frames. A feeder thread keeps the
 * agent's hand-off full; the agent's real {@link SendWorker} encapsulates and sends over a veth
 * between two namespaces (198.18.4.0/30) to a whole collector (receive, decode, merge) whose only
 * sink counts and releases. Reported: frames delivered by the collector per second over the
 * measured interval, and where the rest went. Everything (feeder, agent, collector, gRPC event
 * loops) shares the machine's cores, so the numbers compare CPU cost per frame end to end.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.tapwire.bench.grpc.GrpcTransportBench [seconds] [reps] [sizes...]} (root).
 */
public final class GrpcTransportBench {
  private static final String AGENT = "198.18.4.1";
  private static final String COLLECTOR = "198.18.4.2";
  private static final int PORT = 7460;
  private static final long WARMUP_NS = 2_000_000_000L;

  private GrpcTransportBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int[] sizes = {64, 512};
    if (args.length > 2) {
      sizes = new int[args.length - 2];
      for (int i = 2; i < args.length; i++) {
        sizes[i - 2] = Integer.parseInt(args[i]);
      }
    }
    try (Netns agentNs = Netns.create();
        Netns collectorNs = Netns.create();
        VethPair link =
            VethPair.between(agentNs, collectorNs)
                .addresses(AGENT + "/30", COLLECTOR + "/30")
                .create()) {
      System.out.printf(
          "%-8s %5s %9s %4s %12s %12s %12s %12s %12s%n",
          "transport",
          "bytes",
          "offered/s",
          "rep",
          "delivered/s",
          "agent sent/s",
          "agent drop/s",
          "coll. drop/s",
          "lost/s");
      String[] rates = System.getProperty("rates", "0").split(",");
      for (int size : sizes) {
        for (String rateText : rates) {
          long rate = Long.parseLong(rateText.strip());
          for (String transport : List.of("erspan3", "grpc")) {
            run(transport, size, rate, 1, agentNs, collectorNs); // warm-up (JIT), not reported
            for (int rep = 0; rep < reps; rep++) {
              Row row = run(transport, size, rate, seconds, agentNs, collectorNs);
              System.out.printf(
                  "%-8s %5d %9s %4d %12.0f %12.0f %12.0f %12.0f %12.0f%n",
                  transport,
                  size,
                  rate == 0 ? "max" : Long.toString(rate),
                  rep,
                  row.deliveredPerSecond,
                  row.sentPerSecond,
                  row.agentDropsPerSecond,
                  row.collectorDropsPerSecond,
                  row.lostPerSecond);
            }
          }
        }
      }
      if (link.nameA().isEmpty()) {
        throw new IllegalStateException("no link");
      }
    }
  }

  private record Row(
      double deliveredPerSecond,
      double sentPerSecond,
      double agentDropsPerSecond,
      double collectorDropsPerSecond,
      double lostPerSecond) {}

  private static Row run(
      String transport,
      int frameBytes,
      long ratePerSecond,
      int seconds,
      Netns agentNs,
      Netns collNs)
      throws Exception {
    CountingSink sink = new CountingSink();
    CollectorConfig config =
        CollectorConfigLoader.load(
            new LayeredSettings(
                Map.of(CollectorSettingKeys.METRICS_PORT, List.of("0")),
                Map.of(),
                CollectorSettingKeys.ENVIRONMENT_PREFIX,
                Map.of(),
                "bench"));
    Collector collector =
        NetworkNamespace.runIn(
            collNs.name(),
            () ->
                Collector.start(config, new PrometheusRegistry(), (c, r) -> List.of(sink), false));
    GrpcDataServer server = null;
    try {
      boolean grpc = transport.equals("grpc");
      if (grpc) {
        server =
            NetworkNamespace.runIn(
                collNs.name(),
                () ->
                    GrpcDataServer.start(
                        new InetSocketAddress(InetAddress.getByName(COLLECTOR), PORT),
                        collector.grpcFrameService(),
                        InsecureServerCredentials.create()));
      }
      InetAddress collectorAddress = InetAddress.getByName(COLLECTOR);
      TunnelFormat format = grpc ? new GrpcFrameFormat() : new Erspan3Format();
      int maxPacket = format.headerBytes() + 1514;
      Transport t =
          NetworkNamespace.runIn(
              agentNs.name(),
              () ->
                  grpc
                      ? GrpcTransport.open(
                          new GrpcTransport.Options(
                              collectorAddress,
                              PORT,
                              COLLECTOR,
                              TlsFiles.NONE,
                              "bench",
                              new int[] {1},
                              maxPacket))
                      : RawIpTransport.open(collectorAddress, null, 47, maxPacket));
      FrameHandoff handoff = new FrameHandoff(16_384, 1514);
      SendCounters counters = new SendCounters();
      SendWorker worker =
          new SendWorker(
              List.of(handoff),
              List.of(new Session(1, 1, 0, 0)),
              new Encapsulator(format, 20, grpc ? 1 << 30 : 9000, false, 65_535, maxPacket),
              t,
              new RateLimiter(0, 0, maxPacket),
              counters);
      WorkerThread sender =
          new WorkerThread(
                  worker, new BackoffIdleStrategy(0, 0, 20_000, 1_000_000), System::nanoTime)
              .startThread();
      if (grpc) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!t.ready() && System.nanoTime() < deadline) {
          LockSupport.parkNanos(1_000_000);
        }
        if (!t.ready()) {
          throw new IllegalStateException(
              "gRPC stream did not open: " + ((GrpcTransport) t).lastStreamError());
        }
      }
      byte[] frame = new byte[frameBytes - 4]; // without FCS, as captured
      frame[0] = 2;
      frame[5] = 2;
      frame[6] = 2;
      frame[11] = 1;
      frame[12] = 0x08;
      MemorySegment data = MemorySegment.ofArray(frame);
      AtomicBoolean feeding = new AtomicBoolean(true);
      long[] handoffFull = {0};
      Thread feeder =
          Thread.ofPlatform()
              .name("bench-feeder")
              .start(
                  () -> {
                    long timeNs = 1_700_000_000_000_000_000L;
                    long startNs = System.nanoTime();
                    long offered = 0;
                    while (feeding.get()) {
                      if (ratePerSecond > 0) {
                        // Paced: offer what the rate allows so far, then sleep a tick.
                        long due = (System.nanoTime() - startNs) * ratePerSecond / 1_000_000_000L;
                        if (offered >= due) {
                          LockSupport.parkNanos(200_000);
                          continue;
                        }
                      }
                      offered++;
                      FrameSlot slot = handoff.claim();
                      if (slot == null) {
                        handoffFull[0]++;
                        if (ratePerSecond == 0) {
                          LockSupport.parkNanos(20_000);
                        }
                        continue;
                      }
                      slot.fill(data, 0, frame.length, frame.length, timeNs++);
                      handoff.publish(slot);
                    }
                  });
      LockSupport.parkNanos(WARMUP_NS);
      Snapshot start = Snapshot.take(sink, counters, collector, handoffFull[0]);
      long t0 = System.nanoTime();
      LockSupport.parkNanos(seconds * 1_000_000_000L);
      Snapshot end = Snapshot.take(sink, counters, collector, handoffFull[0]);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      feeding.set(false);
      feeder.join();
      sender.close();
      handoff.close();
      return new Row(
          (end.delivered - start.delivered) / elapsed,
          (end.sent - start.sent) / elapsed,
          (end.agentDrops - start.agentDrops) / elapsed,
          (end.collectorDrops - start.collectorDrops) / elapsed,
          (end.lost - start.lost) / elapsed);
    } finally {
      if (server != null) {
        server.close();
      }
      collector.close();
    }
  }

  private record Snapshot(
      long delivered, long sent, long agentDrops, long collectorDrops, long lost) {
    static Snapshot take(CountingSink sink, SendCounters c, Collector collector, long handoffFull) {
      long collectorDrops = 0;
      for (ReceiveCounters r : collector.receiveCounters()) {
        collectorDrops += r.dropped();
      }
      collectorDrops += collector.decodeStage().counters().droppedQueueFull.get();
      return new Snapshot(
          sink.framesDelivered(),
          c.sent.get(),
          c.streamFull.get() + c.collectorUnreachable.get() + c.sendError.get() + handoffFull,
          collectorDrops,
          collector.decodeStage().counters().framesLost.get());
    }
  }

  /** Counts and releases every frame. */
  private static final class CountingSink implements FrameSink {
    private volatile long delivered;

    @Override
    public String name() {
      return "count";
    }

    @Override
    public void start() {}

    @Override
    public boolean offer(Frame frame) {
      delivered++; // merge thread only
      frame.release();
      return true;
    }

    @Override
    public long framesDelivered() {
      return delivered;
    }

    @Override
    public Map<String, Long> framesDroppedByReason() {
      return Map.of();
    }

    @Override
    public int queuedFrames() {
      return 0;
    }

    @Override
    public boolean healthy() {
      return true;
    }

    @Override
    public void close() {}
  }
}
