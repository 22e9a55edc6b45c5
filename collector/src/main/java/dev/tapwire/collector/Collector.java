package dev.tapwire.collector;

import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.control.CollectorCounters;
import dev.tapwire.collector.control.ControlLimits;
import dev.tapwire.collector.control.ControlPlane;
import dev.tapwire.collector.control.TapSink;
import dev.tapwire.collector.decode.DecodeStage;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.collector.merge.DuplicateFilter;
import dev.tapwire.collector.merge.MergeStage;
import dev.tapwire.collector.metrics.CollectorBooks;
import dev.tapwire.collector.metrics.CollectorMetrics;
import dev.tapwire.collector.receive.EpochClock;
import dev.tapwire.collector.receive.GreReceiver;
import dev.tapwire.collector.receive.KernelGreCheck;
import dev.tapwire.collector.receive.RawGreReceiver;
import dev.tapwire.collector.receive.ReceiveCounters;
import dev.tapwire.collector.receive.RingGreReceiver;
import dev.tapwire.collector.receive.UdpReceiver;
import dev.tapwire.collector.receive.grpc.GrpcFrameService;
import dev.tapwire.collector.receive.grpc.GrpcIngress;
import dev.tapwire.collector.receive.grpc.GrpcIngressMetrics;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.runtime.metrics.MetricsEndpoint;
import dev.tapwire.runtime.work.BackoffIdleStrategy;
import dev.tapwire.runtime.work.SpscQueue;
import dev.tapwire.runtime.work.WorkerGroup;
import dev.tapwire.runtime.work.WorkerThread;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import io.grpc.BindableService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The collector's data path, wired from a {@link CollectorConfig}: receivers (raw GRE per listen
 * address, one UDP event loop) → one bounded queue per receiver thread → decode → bounded queue →
 * merge → every sink. Starting opens every socket in the calling thread's network namespace and
 * then starts one thread per stage; {@link #close} stops the receivers first and lets every later
 * stage drain and flush, so nothing accepted is lost silently at shutdown.
 */
public final class Collector implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Collector.class.getName());
  private static final int REASSEMBLY_DATAGRAMS = 64;
  private static final long REASSEMBLY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;

  /**
   * Longest wait in {@code poll} of a ring thread that also decodes (UDP frames wait this long).
   */
  private static final int FUSED_WAIT_MS = 1;

  /** Longest wait in {@code poll} of a ring thread of its own (how soon it notices a stop). */
  private static final int RING_WAIT_MS = 100;

  private final CollectorConfig config;
  private final FramePools pools;
  private final List<GreReceiver> rawReceivers;
  private final UdpReceiver udpReceiver;
  private final List<ReceiveCounters> receiveCounters;
  private final DecodeStage decode;
  private final SpscQueue<Frame> mergeInput;
  private final MergeStage merge;
  private final List<FrameSink> sinks;
  private final List<WorkerThread> receiverThreads = new ArrayList<>();
  private WorkerThread decodeThread;
  private WorkerThread mergeThread;
  private MetricsEndpoint endpoint;
  private ControlPlane control;
  private GrpcIngress grpcIngress;
  private GrpcFrameService grpcService;
  private volatile boolean closed;
  private volatile boolean started;

  private Collector(
      CollectorConfig config,
      FramePools pools,
      List<GreReceiver> rawReceivers,
      UdpReceiver udpReceiver,
      List<ReceiveCounters> receiveCounters,
      DecodeStage decode,
      SpscQueue<Frame> mergeInput,
      MergeStage merge,
      List<FrameSink> sinks) {
    this.config = config;
    this.pools = pools;
    this.rawReceivers = rawReceivers;
    this.udpReceiver = udpReceiver;
    this.receiveCounters = receiveCounters;
    this.decode = decode;
    this.mergeInput = mergeInput;
    this.merge = merge;
    this.sinks = sinks;
  }

  /**
   * Builds and starts the collector: sockets (in the calling thread's network namespace), sinks,
   * stage threads, metrics registration and, when {@code serveMetrics}, the metrics endpoint.
   *
   * @throws Exception when a socket cannot be opened, a sink cannot be set up or the metrics port
   *     is taken; everything opened so far is closed again
   */
  public static Collector start(
      CollectorConfig config,
      PrometheusRegistry registry,
      SinkFactory sinkFactory,
      boolean serveMetrics)
      throws Exception {
    return start(config, registry, sinkFactory, serveMetrics, List.of());
  }

  /**
   * As {@link #start(CollectorConfig, PrometheusRegistry, SinkFactory, boolean)}, and serves {@code
   * extraServices} on the gRPC control-plane server next to AgentService and AdminService (when
   * {@code grpc-port} is not 0).
   */
  public static Collector start(
      CollectorConfig config,
      PrometheusRegistry registry,
      SinkFactory sinkFactory,
      boolean serveMetrics,
      List<BindableService> extraServices)
      throws Exception {
    long startTimeNs = EpochClock.nowNs();
    String greWarning =
        config.greEnabled() ? KernelGreCheck.warning(KernelGreCheck.answeringModules()) : null;
    if (greWarning != null) {
      LOG.log(System.Logger.Level.WARNING, "WARNING: " + greWarning);
    }
    int queueFrames = config.queueFrames();
    FramePools pools = new FramePools(queueFrames, Math.max(16, queueFrames / 256));
    List<SpscQueue<Frame>> inputs = new ArrayList<>();
    List<ReceiveCounters> counters = new ArrayList<>();
    List<GreReceiver> raw = new ArrayList<>();
    UdpReceiver udp = null;
    GrpcIngress grpc = null;
    List<FrameSink> sinks = List.of();
    try {
      if (config.greEnabled()) {
        for (InetAddress listen : config.listenAddresses()) {
          SpscQueue<Frame> queue = new SpscQueue<>(queueFrames);
          ReceiveCounters rc = new ReceiveCounters(greLabel(listen), queue);
          raw.add(openGre(config, listen, pools, queue, rc, counters.size()));
          inputs.add(queue);
          counters.add(rc);
        }
      }
      List<UdpReceiver.Port> ports = new ArrayList<>();
      SpscQueue<Frame> udpQueue = new SpscQueue<>(queueFrames);
      if (config.vxlanPort() != 0) {
        ports.add(udpPort(config.vxlanPort(), "vxlan", udpQueue, counters));
      }
      if (config.greInUdpPort() != 0) {
        ports.add(udpPort(config.greInUdpPort(), "gre_in_udp", udpQueue, counters));
      }
      if (!ports.isEmpty()) {
        udp = UdpReceiver.start(config.listenAddresses(), ports, pools, udpQueue);
        inputs.add(udpQueue);
      }
      SpscQueue<Frame> grpcQueue = new SpscQueue<>(queueFrames);
      ReceiveCounters grpcCounters = new ReceiveCounters("grpc", grpcQueue);
      grpc = new GrpcIngress(pools, grpcQueue, grpcCounters, counters.size());
      counters.add(grpcCounters);
      inputs.add(grpcQueue);
      sinks = List.copyOf(sinkFactory.create(config, registry));
      if (sinks.isEmpty()) {
        throw new IllegalStateException("no sink configured: frames would go nowhere");
      }
      if (config.control().enabled()) {
        sinks = append(sinks, ControlPlane.tapSink(queueFrames));
      }
    } catch (Exception | Error e) {
      closeQuietly(raw, udp, sinks, e);
      if (grpc != null) {
        grpc.close();
      }
      throw e;
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    SpscQueue<Frame>[] inputArray = inputs.toArray(new SpscQueue[0]);
    SpscQueue<Frame> mergeInput = new SpscQueue<>(queueFrames);
    DecodeStage decode =
        new DecodeStage(
            inputArray,
            mergeInput,
            pools,
            new TunnelClassifier(config.vxlanPort(), config.greInUdpPort()),
            config.allowlist(),
            config.sessionAllowlist(),
            new Ipv4Reassembler(
                REASSEMBLY_DATAGRAMS, 65_535, REASSEMBLY_TIMEOUT_NS, MAX_FRAGMENTS_PER_DATAGRAM),
            new StreamTable(config.maxStreams(), config.streamIdleNs()));
    MergeStage merge =
        new MergeStage(
            mergeInput,
            sinks.toArray(new FrameSink[0]),
            config.mergeWindowNs(),
            config.lateFramesDelivered(),
            config.dedup() ? new DuplicateFilter(2 * queueFrames, config.mergeWindowNs()) : null,
            queueFrames);
    Collector collector =
        new Collector(config, pools, raw, udp, counters, decode, mergeInput, merge, sinks);
    collector.grpcIngress = grpc;
    collector.grpcService = new GrpcFrameService(grpc);
    try {
      CollectorMetrics.register(
          registry, counters, decode.counters(), decode.streams(), merge, sinks, mergeInput, pools);
      GrpcIngressMetrics.register(registry, grpc.grpcCounters());
      collector.startThreads();
      if (config.control().enabled()) {
        collector.control =
            ControlPlane.start(
                config.control(),
                config.control().port(),
                collector.controlCounters(startTimeNs),
                (TapSink) sinks.get(sinks.size() - 1),
                withDataService(extraServices, collector.grpcService),
                registry,
                EpochClock::nowNs,
                ControlLimits.DEFAULT);
      }
      if (serveMetrics) {
        collector.endpoint =
            MetricsEndpoint.start(
                config.metricsAddress(),
                config.metricsPort(),
                registry,
                collector::healthy,
                collector::ready);
      }
    } catch (Exception | Error e) {
      collector.close();
      throw e;
    }
    return collector;
  }

  private static List<FrameSink> append(List<FrameSink> sinks, FrameSink sink) {
    List<FrameSink> all = new ArrayList<>(sinks);
    all.add(sink);
    return List.copyOf(all);
  }

  private CollectorCounters controlCounters(long startTimeNs) {
    return new CollectorCounters(
        receiveCounters,
        decode.counters(),
        decode.streams(),
        merge.counters(),
        sinks,
        mergeInput::size,
        config.queueFrames(),
        startTimeNs);
  }

  /**
   * The ring for IPv4 when configured, falling back to the raw socket (with a warning) when the
   * ring cannot be opened; the raw socket for IPv6, whose fragments only the kernel reassembles.
   */
  private static GreReceiver openGre(
      CollectorConfig config,
      InetAddress listen,
      FramePools pools,
      SpscQueue<Frame> queue,
      ReceiveCounters counters,
      int receiverIndex)
      throws ErrnoException {
    if (config.ringReceive() && listen instanceof Inet4Address v4) {
      try {
        return RingGreReceiver.open(v4, pools, queue, counters, receiverIndex);
      } catch (ErrnoException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "WARNING: cannot open the receive ring for "
                + listen.getHostAddress()
                + " ("
                + e.getMessage()
                + "), receiving through a raw socket instead");
      }
    }
    return RawGreReceiver.open(listen, pools, queue, counters, receiverIndex);
  }

  private static UdpReceiver.Port udpPort(
      int port, String name, SpscQueue<Frame> queue, List<ReceiveCounters> counters) {
    ReceiveCounters rc = new ReceiveCounters(name, queue);
    counters.add(rc);
    return new UdpReceiver.Port(port, rc, counters.size() - 1);
  }

  /** {@code gre_ipv4}/{@code gre_ipv6} for the wildcards, else {@code gre_<address>}. */
  static String greLabel(InetAddress listen) {
    if (listen.isAnyLocalAddress()) {
      return listen instanceof Inet4Address ? "gre_ipv4" : "gre_ipv6";
    }
    return "gre_" + listen.getHostAddress();
  }

  private void startThreads() {
    started = true;
    for (FrameSink sink : sinks) {
      sink.start();
    }
    mergeThread =
        new WorkerThread(merge, BackoffIdleStrategy.forBurstyStage(), System::nanoTime)
            .startThread();
    RingGreReceiver fused = onlyRing(rawReceivers);
    if (fused == null) {
      decodeThread =
          new WorkerThread(decode, BackoffIdleStrategy.forBurstyStage(), System::nanoTime)
              .startThread();
    } else {
      // One ring: decode runs on its thread, between two batches of the ring, instead of being
      // woken for every batch on a core it shares with the ring (measured: docs/benchmarks.md).
      decodeThread =
          new WorkerThread(
                  new WorkerGroup(fused.roleName() + "-decode", List.of(fused, decode)),
                  fused.idleStrategy(FUSED_WAIT_MS),
                  System::nanoTime)
              .startThread();
    }
    for (GreReceiver receiver : rawReceivers) {
      if (receiver == fused) {
        continue;
      }
      receiverThreads.add(
          receiver instanceof RingGreReceiver ring
              ? new WorkerThread(ring, ring.idleStrategy(RING_WAIT_MS), System::nanoTime)
                  .startThread()
              : WorkerThread.start(receiver));
    }
  }

  private static RingGreReceiver onlyRing(List<GreReceiver> receivers) {
    RingGreReceiver only = null;
    for (GreReceiver receiver : receivers) {
      if (receiver instanceof RingGreReceiver ring) {
        if (only != null) {
          return null;
        }
        only = ring;
      }
    }
    return only;
  }

  /** The process works: every stage thread runs and every sink is healthy. */
  public boolean healthy() {
    if (closed || decodeThread == null || mergeThread == null) {
      return false;
    }
    if (!decodeThread.healthy() || !mergeThread.healthy()) {
      return false;
    }
    for (WorkerThread thread : receiverThreads) {
      if (!thread.healthy()) {
        return false;
      }
    }
    for (FrameSink sink : sinks) {
      if (!sink.healthy()) {
        return false;
      }
    }
    return true;
  }

  /** It does its job: healthy and every socket open. */
  public boolean ready() {
    if (!healthy()) {
      return false;
    }
    for (GreReceiver receiver : rawReceivers) {
      if (!receiver.isOpen()) {
        return false;
      }
    }
    return udpReceiver == null || udpReceiver.isOpen();
  }

  /** The gRPC transport's service, to be served by a gRPC server (the control plane's). */
  public GrpcFrameService grpcFrameService() {
    return grpcService;
  }

  /** The gRPC transport's hand-off to decode. */
  public GrpcIngress grpcIngress() {
    return grpcIngress;
  }

  public CollectorConfig config() {
    return config;
  }

  /** The agents' gRPC frame transport (DataService) rides on the control-plane server. */
  private static List<BindableService> withDataService(
      List<BindableService> extraServices, GrpcFrameService dataService) {
    List<BindableService> services = new ArrayList<>(extraServices);
    services.add(dataService);
    return services;
  }

  /** The gRPC control plane, or null when {@code grpc-port} is 0. */
  public ControlPlane controlPlane() {
    return control;
  }

  /** Port of the metrics endpoint, or -1 when not serving. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** The accounting equations over this collector's counters. */
  public CollectorBooks books() {
    return new CollectorBooks(
        receiveCounters, decode.counters(), mergeInput, merge.counters(), sinks);
  }

  public List<ReceiveCounters> receiveCounters() {
    return receiveCounters;
  }

  public DecodeStage decodeStage() {
    return decode;
  }

  public MergeStage mergeStage() {
    return merge;
  }

  public List<FrameSink> sinks() {
    return sinks;
  }

  public FramePools pools() {
    return pools;
  }

  /** UDP ports actually bound. */
  public List<java.net.InetSocketAddress> udpAddresses() {
    return udpReceiver == null ? List.of() : udpReceiver.localAddresses();
  }

  /**
   * Stops receiving, lets decode and merge drain what they hold into the sinks, then closes the
   * sinks (which deliver their queues and flush) and the metrics endpoint.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (control != null) {
      control.close(); // no more agents, admins or taps
    }
    if (!started) {
      rawReceivers.forEach(GreReceiver::onClose); // never started: close the sockets here
    }
    for (WorkerThread thread : receiverThreads) {
      thread.close();
    }
    if (udpReceiver != null) {
      udpReceiver.close();
    }
    if (grpcIngress != null) {
      grpcIngress.close(); // later batches are refused and counted
    }
    if (decodeThread != null) {
      decodeThread.close(); // closes a ring it shares the thread with, then drains its queues
    }
    if (mergeThread != null) {
      mergeThread.close(); // releases its heap to the sinks in onClose
    }
    for (FrameSink sink : sinks) {
      try {
        sink.close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "closing sink " + sink.name() + " failed", e);
      }
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  private static void closeQuietly(
      List<GreReceiver> raw, UdpReceiver udp, List<FrameSink> sinks, Throwable primary) {
    for (GreReceiver receiver : raw) {
      receiver.onClose();
    }
    if (udp != null) {
      try {
        udp.close();
      } catch (RuntimeException e) {
        primary.addSuppressed(e);
      }
    }
    for (FrameSink sink : sinks) {
      try {
        sink.close();
      } catch (RuntimeException e) {
        primary.addSuppressed(e);
      }
    }
  }
}
