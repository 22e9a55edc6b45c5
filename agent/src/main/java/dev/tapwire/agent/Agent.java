package dev.tapwire.agent;

import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.capture.CapturePath;
import dev.tapwire.agent.capture.CaptureSource;
import dev.tapwire.agent.capture.CaptureSpec;
import dev.tapwire.agent.capture.PcapCaptureSource;
import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.CaptureDirection;
import dev.tapwire.agent.config.SendMethod;
import dev.tapwire.agent.control.Backoff;
import dev.tapwire.agent.control.ControlChannel;
import dev.tapwire.agent.control.ControlClient;
import dev.tapwire.agent.control.ControlState;
import dev.tapwire.agent.control.ControlTimings;
import dev.tapwire.agent.control.HostDescription;
import dev.tapwire.agent.control.PolicyOutcome;
import dev.tapwire.agent.control.PolicyTarget;
import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.RateLimiter;
import dev.tapwire.agent.encap.Session;
import dev.tapwire.agent.encap.TunnelFormat;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.metrics.AgentMetrics;
import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.agent.metrics.CaptureCounters;
import dev.tapwire.agent.metrics.SendCounters;
import dev.tapwire.agent.pipeline.CaptureWorker;
import dev.tapwire.agent.pipeline.SendWorker;
import dev.tapwire.agent.transport.GrpcTransport;
import dev.tapwire.agent.transport.RawIpTransport;
import dev.tapwire.agent.transport.RingTransport;
import dev.tapwire.agent.transport.Transport;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.runtime.metrics.MetricsEndpoint;
import dev.tapwire.runtime.work.BackoffIdleStrategy;
import dev.tapwire.runtime.work.WorkerThread;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The running agent: one capture thread per interface, one encapsulate-and-send thread, bounded
 * hand-offs between them, and the metrics endpoint. {@link #start} opens everything in the calling
 * thread's network namespace (threads it starts inherit it); {@link #close} stops capture first,
 * lets the sender drain what is queued, then stops it, so that the books balance at the end.
 */
public final class Agent implements AutoCloseable {
  /** How long one {@code pcap_dispatch} waits for a frame; bounds how long a stop takes. */
  static final int CAPTURE_TIMEOUT_MS = 100;

  /**
   * Asked of libpcap beyond what a slot keeps: libpcap sizes its ring slots from the snap length
   * with its own estimate of the kernel's header room, and the kernel may then deliver a couple of
   * bytes less than asked (measured: 1450 for 1452). The slot cuts the frame exactly.
   */
  static final int SNAPLEN_MARGIN_BYTES = 64;

  /** First sleep of an idle capture or send thread; it doubles up to {@link #IDLE_MAX_PARK_NS}. */
  static final long IDLE_MIN_PARK_NS = 250_000;

  /** Longest sleep of an idle capture or send thread. */
  static final long IDLE_MAX_PARK_NS = 1_000_000;

  private static final System.Logger LOG = System.getLogger(Agent.class.getName());

  /**
   * Slot room beyond the planned frame when frames are cut at the path MTU: the difference between
   * the largest tunnel header (ERSPAN III, 28 bytes) and the smallest (TEB, 12), so that a policy
   * may switch to a shorter header and send correspondingly longer frames.
   */
  static final int HEADER_HEADROOM_BYTES = 16;

  private final AgentPlan plan;
  private final CapturePath path;
  private final List<CaptureSource> sources;
  private final List<FrameHandoff> handoffs;
  private final List<WorkerThread> captureThreads = new ArrayList<>();
  private final List<CaptureWorker> captureWorkers = new ArrayList<>();
  private final Transport transport;
  private final AgentMetrics metrics;
  private final ControlState controlState = new ControlState();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private SendWorker sendWorker;
  private WorkerThread sendThread;
  private PolicyApplier policies;
  private ControlChannel controlChannel;
  private ControlClient controlClient;
  private MetricsEndpoint endpoint;
  private volatile boolean closed;

  private Agent(
      AgentPlan plan,
      CapturePath path,
      List<CaptureSource> sources,
      List<FrameHandoff> handoffs,
      Transport transport,
      AgentMetrics metrics) {
    this.plan = plan;
    this.path = path;
    this.sources = sources;
    this.handoffs = handoffs;
    this.transport = transport;
    this.metrics = metrics;
  }

  /** Plans, opens every interface and the transport, and starts the threads and the endpoint. */
  public static Agent start(AgentConfig config) throws AgentStartupException {
    return start(AgentPlan.of(config), CapturePath.DISPATCH, true);
  }

  /**
   * Starts a planned agent.
   *
   * @param path how frames are read from libpcap (the benchmark compares them)
   * @param serveMetrics whether to start the HTTP endpoint
   */
  public static Agent start(AgentPlan plan, CapturePath path, boolean serveMetrics)
      throws AgentStartupException {
    return start(plan, path, serveMetrics, ControlTimings.DEFAULT);
  }

  /**
   * Starts a planned agent and, unless the control plane is off, its control client (which
   * registers in the background: the data plane does not wait for the collector).
   *
   * @param timings the control client's deadlines and retry delays
   */
  public static Agent start(
      AgentPlan plan, CapturePath path, boolean serveMetrics, ControlTimings timings)
      throws AgentStartupException {
    return start(plan, path, serveMetrics, timings, event -> {});
  }

  /**
   * As above, with {@code controlEvents} receiving the control client's log lines (registered,
   * policy applied or rejected, connection lost) from the start.
   */
  public static Agent start(
      AgentPlan plan,
      CapturePath path,
      boolean serveMetrics,
      ControlTimings timings,
      Consumer<String> controlEvents)
      throws AgentStartupException {
    AgentConfig config = plan.config();
    List<CaptureSource> sources = new ArrayList<>();
    List<FrameHandoff> handoffs = new ArrayList<>();
    Transport transport = null;
    int slotBytes = slotBytes(plan);
    try {
      for (AgentPlan.InterfacePlan iface : plan.interfaces()) {
        sources.add(PcapCaptureSource.open(captureSpec(plan, slotBytes, iface.name(), path)));
        handoffs.add(new FrameHandoff(plan.queueSlots(), slotBytes));
      }
      InetAddress source = plan.source();
      if (source == null && plan.needsSourceForChecksum()) {
        // The IPv6 UDP checksum covers the source address: find it now and bind it, so that
        // the kernel cannot pick another one later.
        source = plan.routedSource();
        if (source == null) {
          throw new AgentStartupException(
              "no route to the collector "
                  + plan.collector().getHostAddress()
                  + ": VXLAN over IPv6 needs the source address, give --source ADDR");
        }
      }
      TunnelFormat format = plan.format(source);
      transport =
          plan.grpc() ? openGrpc(plan) : openTransport(config, plan, source, format.ipProtocol());
      List<CaptureCounters> captureCounters = new ArrayList<>();
      for (AgentPlan.InterfacePlan iface : plan.interfaces()) {
        captureCounters.add(new CaptureCounters(iface.name()));
      }
      SendCounters sendCounters = new SendCounters();
      Agent agent =
          new Agent(
              plan,
              path,
              sources,
              handoffs,
              transport,
              new AgentMetrics(captureCounters, sendCounters));
      agent.startThreads(format, source, captureCounters, sendCounters);
      if (serveMetrics) {
        agent.startEndpoint();
      }
      agent.controlState.onEvent(controlEvents);
      if (config.control().enabled()) {
        try {
          agent.startControl(timings);
        } catch (AgentStartupException | RuntimeException e) {
          agent.close();
          throw e;
        }
      }
      return agent;
    } catch (CaptureException e) {
      closeAll(sources, handoffs, transport);
      throw new AgentStartupException(e.getMessage(), e);
    } catch (ErrnoException e) {
      closeAll(sources, handoffs, transport);
      throw new AgentStartupException(
          "cannot open the socket to the collector "
              + plan.collector().getHostAddress()
              + ": "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      closeAll(sources, handoffs, transport);
      throw new AgentStartupException(
          "invalid setting metrics-port = " + config.metricsPort() + ": " + e.getMessage(), e);
    } catch (AgentStartupException | RuntimeException e) {
      closeAll(sources, handoffs, transport);
      throw e;
    }
  }

  private static Transport openGrpc(AgentPlan plan) throws AgentStartupException {
    AgentConfig config = plan.config();
    int[] sessions =
        plan.interfaces().stream().mapToInt(AgentPlan.InterfacePlan::sessionId).toArray();
    try {
      return GrpcTransport.open(
          new GrpcTransport.Options(
              plan.collector(),
              config.collectorPort(),
              config.collectorHost(),
              config.tls(),
              AgentIdentity.hostName(),
              sessions,
              plan.maxPacketBytes()));
    } catch (IOException e) {
      throw new AgentStartupException(
          "invalid setting tls-cert/tls-key/tls-ca: cannot load the PEM files: " + e.getMessage(),
          e);
    }
  }

  /**
   * The raw IP socket, wrapped in the transmit ring unless {@code send-method} is {@code socket};
   * if the ring's route lookup cannot even start, the raw socket alone, logged.
   */
  private static Transport openTransport(
      AgentConfig config, AgentPlan plan, InetAddress source, int ipProtocol)
      throws ErrnoException {
    RawIpTransport socket =
        RawIpTransport.open(plan.collector(), source, ipProtocol, plan.maxPacketBytes());
    if (config.sendMethod() == SendMethod.SOCKET) {
      return socket;
    }
    try {
      return RingTransport.open(socket, source, ipProtocol);
    } catch (ErrnoException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "transmit ring unavailable, sending through the raw socket only: {0}",
          e.getMessage());
      return socket;
    }
  }

  /** How tunnel packets leave now, for logs and tests. */
  public String transportDescription() {
    return transport.description();
  }

  static CaptureSpec captureSpec(AgentPlan plan, String interfaceName, CapturePath path) {
    return captureSpec(plan, slotBytes(plan), interfaceName, path);
  }

  /** Bytes of each hand-off slot: the planned frame, with room for a shorter tunnel header. */
  static int slotBytes(AgentPlan plan) {
    return plan.frameBytes() + (plan.config().truncateOversize() ? HEADER_HEADROOM_BYTES : 0);
  }

  /** The spec under {@code plan}'s settings for capture slots of {@code slotBytes}. */
  static CaptureSpec captureSpec(
      AgentPlan plan, int slotBytes, String interfaceName, CapturePath path) {
    AgentConfig config = plan.config();
    return new CaptureSpec(
        interfaceName,
        slotBytes + SNAPLEN_MARGIN_BYTES,
        config.promiscuous(),
        config.immediateMode(),
        config.kernelBufferBytes(),
        CAPTURE_TIMEOUT_MS,
        plan.filter(),
        config.direction(),
        path);
  }

  private void startThreads(
      TunnelFormat format,
      InetAddress source,
      List<CaptureCounters> captureCounters,
      SendCounters sendCounters) {
    AgentConfig config = plan.config();
    List<Session> sessions = new ArrayList<>();
    int direction = config.direction() == CaptureDirection.OUT ? 1 : 0;
    for (AgentPlan.InterfacePlan iface : plan.interfaces()) {
      sessions.add(new Session(iface.sessionId(), iface.index(), direction, 0));
    }
    Encapsulator encapsulator =
        new Encapsulator(
            format,
            plan.outerIpHeaderBytes(),
            plan.pathMtuBytes(),
            !plan.grpc() && config.truncateOversize(),
            config.snapLenBytes(),
            plan.maxPacketBytes());
    RateLimiter limiter =
        new RateLimiter(
            config.rateLimitBitsPerSecond(),
            config.rateLimitPacketsPerSecond(),
            plan.maxPacketBytes() + plan.outerIpHeaderBytes());
    // Both stages sleep when they find nothing: no spinning or yielding on a core they share.
    // Parks of 250 µs growing to 1 ms let frames gather in the kernel ring and the hand-off, so
    // each wake-up handles a batch (50 frames at 200k frames/s; with 20 µs it was 4, and the
    // wake-ups cost the capture thread more than the frames); both absorb far more than 1 ms of
    // frames.
    BackoffIdleStrategy sendIdle =
        new BackoffIdleStrategy(0, 0, IDLE_MIN_PARK_NS, IDLE_MAX_PARK_NS);
    sendWorker = new SendWorker(handoffs, sessions, encapsulator, transport, limiter, sendCounters);
    sendThread = new WorkerThread(sendWorker, sendIdle, System::nanoTime).startThread();
    for (int i = 0; i < sources.size(); i++) {
      CaptureWorker worker =
          new CaptureWorker(
              sources.get(i),
              handoffs.get(i),
              captureCounters.get(i),
              config.sampleOneInN(),
              PcapCaptureSource::open);
      captureWorkers.add(worker);
      captureThreads.add(
          new WorkerThread(
                  worker,
                  new BackoffIdleStrategy(0, 0, IDLE_MIN_PARK_NS, IDLE_MAX_PARK_NS),
                  System::nanoTime)
              .startThread());
    }
    policies =
        new PolicyApplier(
            plan,
            slotBytes(plan),
            path,
            captureWorkers,
            sendWorker,
            new PolicyApplier.SendState(
                format.ipProtocol(), source, transport.maxPacketBytes(), encapsulator, limiter),
            sessions);
  }

  /** Opens the control channel and starts registering, on the control client's own thread. */
  private void startControl(ControlTimings timings) throws AgentStartupException {
    AgentConfig config = plan.config();
    try {
      controlChannel =
          ControlChannel.open(plan.collector(), config.collectorHost(), config.control());
    } catch (IOException | IllegalArgumentException e) {
      throw new AgentStartupException(
          "invalid setting tls-cert/tls-key/tls-ca: cannot use the PEM files: " + e.getMessage(),
          e);
    }
    SortedMap<String, String> labels = config.control().labels();
    controlClient =
        new ControlClient(
                controlChannel.channel(),
                new Target(),
                () ->
                    RegisterRequest.newBuilder()
                        .setHostName(HostDescription.hostName())
                        .setAgentVersion(HostDescription.agentVersion())
                        .putAllLabels(labels)
                        .addAllInterfaces(HostDescription.interfaces())
                        .setCapabilities(HostDescription.capabilities(allNanosecondTimestamps()))
                        .setLocalPolicy(LivePolicy.fromConfig(config))
                        .build(),
                timings,
                controlState,
                new Backoff(
                    timings.firstRetry().toNanos(),
                    timings.maxRetry().toNanos(),
                    RandomGenerator.getDefault()),
                () -> {
                  Instant now = Instant.now();
                  return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
            .start();
  }

  /** The data plane as the control client drives it. */
  private final class Target implements PolicyTarget {
    @Override
    public PolicyOutcome apply(CapturePolicy policy, Map<String, Integer> sessionIds) {
      return policies.apply(policy, sessionIds);
    }

    @Override
    public void assignSessions(Map<String, Integer> sessionIds) {
      policies.assignSessions(sessionIds);
    }

    @Override
    public AgentStats stats() {
      return AgentStatsReport.of(metrics, policies.sessionIds(), handoffs);
    }

    @Override
    public boolean nanosecondTimestamps() {
      return allNanosecondTimestamps();
    }
  }

  private boolean allNanosecondTimestamps() {
    for (CaptureWorker worker : captureWorkers) {
      if (!worker.source().nanosecondTimestamps()) {
        return false;
      }
    }
    return true;
  }

  private void startEndpoint() throws IOException {
    metrics.register(
        registry,
        i -> handoffs.get(i).queuedFrames(),
        i -> captureWorkers.get(i).source().nanosecondTimestamps() ? 1 : 1000);
    controlState.register(registry);
    endpoint =
        MetricsEndpoint.start(
            plan.config().metricsAddress(),
            plan.config().metricsPort(),
            registry,
            this::healthy,
            this::ready);
  }

  /** The plan it runs. */
  public AgentPlan plan() {
    return plan;
  }

  /** The metrics (registered with the endpoint when it runs). */
  public AgentMetrics metrics() {
    return metrics;
  }

  /** The HTTP endpoint's port, or -1 when it is not served. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** Whether timestamps of interface {@code i} have nanosecond resolution. */
  public boolean nanosecondTimestamps(int i) {
    return captureWorkers.get(i).source().nanosecondTimestamps();
  }

  /** The control client's state (disconnected, version 0 when the control plane is off). */
  public ControlState control() {
    return controlState;
  }

  /** The settings in force: the local ones, or those of the last policy applied. */
  public AgentPlan currentPlan() {
    return policies.current();
  }

  /** The counters now, with the frames in flight (exact once traffic has stopped and drained). */
  public AgentTotals totals() {
    long queued = transport.unsettledFrames();
    for (FrameHandoff handoff : handoffs) {
      queued += handoff.queuedFrames();
    }
    return metrics.totals(queued);
  }

  /** Every thread runs. */
  public boolean healthy() {
    if (closed || sendThread == null || !sendThread.healthy()) {
      return false;
    }
    return captureThreads.stream().allMatch(WorkerThread::healthy);
  }

  /** Capturing and sending (for gRPC: the stream to the collector is open). */
  public boolean ready() {
    return healthy() && transport.ready();
  }

  /** The first failure of a stopped thread, or null. */
  public Throwable failure() {
    for (WorkerThread thread : captureThreads) {
      if (thread.failure() != null) {
        return thread.failure();
      }
    }
    return sendThread == null ? null : sendThread.failure();
  }

  /** Stops capture, drains and sends what is queued, stops sending, frees memory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (controlClient != null) {
      controlClient.close();
    }
    if (controlChannel != null) {
      controlChannel.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    for (CaptureWorker worker : captureWorkers) {
      worker.source().breakLoop();
    }
    for (WorkerThread thread : captureThreads) {
      thread.close();
    }
    if (sendThread != null) {
      sendThread.close();
    }
    for (FrameHandoff handoff : handoffs) {
      handoff.close();
    }
  }

  private static void closeAll(
      List<CaptureSource> sources, List<FrameHandoff> handoffs, Transport transport) {
    sources.forEach(CaptureSource::close);
    handoffs.forEach(FrameHandoff::close);
    if (transport != null) {
      transport.close();
    }
  }
}
