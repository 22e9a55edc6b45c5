package dev.tapwire.agent;

import dev.tapwire.agent.capture.BpfCompiler;
import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.capture.CapturePath;
import dev.tapwire.agent.capture.CaptureSpec;
import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.CaptureDirection;
import dev.tapwire.agent.control.PolicyOutcome;
import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.RateLimiter;
import dev.tapwire.agent.encap.Session;
import dev.tapwire.agent.encap.TunnelFormat;
import dev.tapwire.agent.filter.CaptureFilter;
import dev.tapwire.agent.filter.ExportFlow;
import dev.tapwire.agent.pipeline.CaptureChange;
import dev.tapwire.agent.pipeline.CaptureWorker;
import dev.tapwire.agent.pipeline.SendChange;
import dev.tapwire.agent.pipeline.SendWorker;
import dev.tapwire.agent.transport.RawIpTransport;
import dev.tapwire.agent.transport.Transport;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.proto.v1.CapturePolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Applies capture policies to the running data plane, on the control thread, without stopping it:
 * everything is built and checked first (the BPF filter compiled, sizes computed, a new socket
 * opened if needed), then handed to the capture and send threads, which switch between two reads or
 * two batches. A policy that fails any check changes nothing.
 *
 * <p>Order of the switch: the capture threads first take the new filter with the export exclusion
 * of both the old and the new tunnel, then the send thread switches, then (if the tunnel changed)
 * the capture threads drop the old exclusion: at no moment can the agent capture its own export.
 * Only promiscuous mode and the kernel buffer size need a new capture handle; a snap length or path
 * MTU needing larger capture slots than the agent started with is rejected (restart it with a
 * larger {@code -s} or {@code --path-mtu}).
 */
final class PolicyApplier {
  /** How long a data-path thread may take to switch (it does so within one idle period). */
  static final long SWITCH_TIMEOUT_MS = 5_000;

  /**
   * What the send thread runs with now.
   *
   * @param ipProtocol of the open transport
   * @param source its bound (or checksummed) source address, or null
   * @param maxPacketBytes the largest packet its batch holds
   */
  record SendState(
      int ipProtocol,
      InetAddress source,
      int maxPacketBytes,
      Encapsulator encapsulator,
      RateLimiter rateLimiter) {}

  private final AgentPlan startPlan;
  private final int slotBytes;
  private final CapturePath path;
  private final List<CaptureWorker> captures;
  private final SendWorker send;
  private volatile AgentPlan current;
  private SendState sendState;
  private List<Session> sessions;
  private volatile int[] sessionIds;
  private boolean[] paused;

  /**
   * @param slotBytes size of the hand-off slots: no policy may capture longer frames
   */
  PolicyApplier(
      AgentPlan plan,
      int slotBytes,
      CapturePath path,
      List<CaptureWorker> captures,
      SendWorker send,
      SendState sendState,
      List<Session> sessions) {
    this.startPlan = plan;
    this.slotBytes = slotBytes;
    this.current = plan;
    this.path = path;
    this.captures = List.copyOf(captures);
    this.send = send;
    this.sendState = sendState;
    this.sessions = List.copyOf(sessions);
    this.sessionIds = sessions.stream().mapToInt(Session::sessionId).toArray();
    this.paused = new boolean[sessions.size()];
  }

  /** The plan in force. */
  AgentPlan current() {
    return current;
  }

  /** Session id of each captured interface, -1 for a paused one. */
  int[] sessionIds() {
    return sessionIds.clone();
  }

  /** Applies {@code policy}, or rejects it and keeps everything as it was. */
  synchronized PolicyOutcome apply(CapturePolicy policy, Map<String, Integer> reserved) {
    AgentPlan previous = current;
    try {
      AgentConfig config = LivePolicy.toConfig(startPlan.config(), policy);
      int[] ids =
          LivePolicy.sessions(
              startPlan.config().interfaces(), policy, reserved, activeSessionIds());
      checkFilter(config.filter());
      AgentPlan next;
      try {
        next = AgentPlan.of(config);
      } catch (AgentStartupException e) {
        throw new LivePolicy.PolicyException(e.getMessage());
      }
      if (next.frameBytes() > slotBytes) {
        throw new LivePolicy.PolicyException(
            "invalid policy: frames of up to "
                + next.frameBytes()
                + " bytes (snap_len_bytes "
                + policy.getSnapLenBytes()
                + ", path_mtu_bytes "
                + policy.getPathMtuBytes()
                + ", oversize_action "
                + policy.getOversizeAction()
                + ") do not fit the capture slots of "
                + slotBytes
                + " bytes this agent started with; restart it with a larger -s or --path-mtu");
      }
      InetAddress source = next.source();
      if (source == null && next.needsSourceForChecksum()) {
        source = next.routedSource();
        if (source == null) {
          throw new LivePolicy.PolicyException(
              "invalid policy field destination.host = '"
                  + config.collectorHost()
                  + "': no route to it");
        }
      }
      switchTo(next, source, ids, policy.getRateLimitBurstBytes());
      return PolicyOutcome.applied(exportSource(next));
    } catch (LivePolicy.PolicyException e) {
      return PolicyOutcome.rejected(e.getMessage(), exportSource(previous));
    }
  }

  /** Keeps the settings in force and exports under the collector's session ids. */
  synchronized void assignSessions(Map<String, Integer> reserved) {
    int[] ids = activeSessionIds();
    for (int i = 0; i < ids.length; i++) {
      Integer id = reserved.get(startPlan.interfaces().get(i).name());
      if (id != null && id >= 0 && id <= 1023 && !paused[i]) {
        ids[i] = id;
      }
    }
    List<Session> next = sessions(ids);
    try {
      await(
          send.post(new SendChange(sendState.encapsulator(), next, sendState.rateLimiter(), null)));
      sessions = next;
      sessionIds = ids;
    } catch (LivePolicy.PolicyException e) {
      // The send thread is stopping: nothing to export under any session.
    }
  }

  private int[] activeSessionIds() {
    int[] ids = new int[sessions.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = sessions.get(i).sessionId();
    }
    return ids;
  }

  private static void checkFilter(String filter) throws LivePolicy.PolicyException {
    try {
      BpfCompiler.compile(filter, 65_535);
    } catch (CaptureException e) {
      throw new LivePolicy.PolicyException(
          "bpf_filter", filter, "does not compile: " + e.getMessage());
    }
  }

  private void switchTo(AgentPlan next, InetAddress source, int[] ids, long burstBytes)
      throws LivePolicy.PolicyException {
    AgentPlan previous = current;
    AgentConfig config = next.config();
    TunnelFormat format = next.format(source);
    boolean newSocket =
        !next.collector().equals(previous.collector())
            || format.ipProtocol() != sendState.ipProtocol()
            || !Objects.equals(source, sendState.source())
            || next.maxPacketBytes() > sendState.maxPacketBytes();
    Transport transport = null;
    if (newSocket) {
      try {
        transport =
            RawIpTransport.open(
                next.collector(), source, format.ipProtocol(), next.maxPacketBytes());
      } catch (ErrnoException e) {
        throw new LivePolicy.PolicyException(
            "invalid policy field destination.host = '"
                + config.collectorHost()
                + "': cannot open the socket: "
                + e.getMessage());
      }
    }
    Encapsulator encapsulator;
    try {
      encapsulator =
          new Encapsulator(
              format,
              next.outerIpHeaderBytes(),
              config.pathMtuBytes(),
              config.truncateOversize(),
              config.snapLenBytes(),
              next.maxPacketBytes());
    } catch (IllegalArgumentException e) {
      closeQuietly(transport);
      throw new LivePolicy.PolicyException("path_mtu_bytes", config.pathMtuBytes(), e.getMessage());
    }
    int packetBytes = next.maxPacketBytes() + next.outerIpHeaderBytes();
    RateLimiter limiter =
        new RateLimiter(
            config.rateLimitBitsPerSecond(),
            config.rateLimitPacketsPerSecond(),
            packetBytes,
            burstBytes);
    List<Session> nextSessions = sessions(ids);
    boolean[] nextPaused = new boolean[ids.length];
    for (int i = 0; i < ids.length; i++) {
      nextPaused[i] = ids[i] < 0;
    }
    boolean reopen =
        config.promiscuous() != previous.config().promiscuous()
            || config.kernelBufferBytes() != previous.config().kernelBufferBytes();
    boolean flowsChanged = !next.exportFlows().equals(previous.exportFlows());
    List<ExportFlow> both = new ArrayList<>(new LinkedHashSet<>(previous.exportFlows()));
    both.addAll(next.exportFlows());
    String during = flowsChanged ? CaptureFilter.effective(config.filter(), both) : next.filter();

    // 1. Capture threads: the new filter (both exclusions while the tunnel changes), sampling and,
    //    if needed, a new handle.
    List<CaptureChange> changes = new ArrayList<>();
    for (int i = 0; i < captures.size(); i++) {
      String filter = nextPaused[i] ? CaptureWorker.MATCH_NOTHING : during;
      CaptureSpec spec =
          reopen
              ? Agent.captureSpec(next, slotBytes, startPlan.interfaces().get(i).name(), path)
              : null;
      CaptureChange change = new CaptureChange(filter, config.sampleOneInN(), spec);
      captures.get(i).post(change);
      changes.add(change);
    }
    LivePolicy.PolicyException failure = null;
    for (CaptureChange change : changes) {
      try {
        await(change.done());
      } catch (LivePolicy.PolicyException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      restoreCapture(previous);
      closeQuietly(transport);
      throw failure;
    }
    // 2. The send thread: format, sessions, rate limit, socket.
    try {
      await(send.post(new SendChange(encapsulator, nextSessions, limiter, transport)));
    } catch (LivePolicy.PolicyException e) {
      restoreCapture(previous);
      throw e;
    }
    // 3. Drop the old tunnel's exclusion.
    if (flowsChanged) {
      for (int i = 0; i < captures.size(); i++) {
        if (!nextPaused[i]) {
          CaptureChange change = new CaptureChange(next.filter(), config.sampleOneInN(), null);
          captures.get(i).post(change);
          try {
            await(change.done());
          } catch (LivePolicy.PolicyException e) {
            // The wider exclusion stays: it only leaves out traffic to the old tunnel endpoint.
          }
        }
      }
    }
    sendState =
        new SendState(
            format.ipProtocol(),
            source,
            newSocket ? next.maxPacketBytes() : sendState.maxPacketBytes(),
            encapsulator,
            limiter);
    sessions = nextSessions;
    sessionIds = ids;
    paused = nextPaused;
    current = next;
  }

  /** Puts the previous filter and sampling back on every capture thread (best effort). */
  private void restoreCapture(AgentPlan previous) {
    for (int i = 0; i < captures.size(); i++) {
      CaptureChange change =
          new CaptureChange(
              paused[i] ? CaptureWorker.MATCH_NOTHING : previous.filter(),
              previous.config().sampleOneInN(),
              null);
      captures.get(i).post(change);
      try {
        await(change.done());
      } catch (LivePolicy.PolicyException e) {
        // Nothing more to try: the thread is stopping or its handle is gone.
      }
    }
  }

  /** Sessions for {@code ids}; an interface whose id is unchanged keeps its sequence numbers. */
  private List<Session> sessions(int[] ids) {
    int direction = startPlan.config().direction() == CaptureDirection.OUT ? 1 : 0;
    List<Session> result = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      Session old = sessions.get(i);
      if (ids[i] < 0 || ids[i] == old.sessionId()) {
        result.add(old); // a paused interface sends nothing: its session does not matter
      } else {
        result.add(new Session(ids[i], startPlan.interfaces().get(i).index(), direction, 0));
      }
    }
    return result;
  }

  private static void await(CompletableFuture<Void> done) throws LivePolicy.PolicyException {
    try {
      done.get(SWITCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new LivePolicy.PolicyException(
          "the data path refused the change: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new LivePolicy.PolicyException(
          "the data path did not take the change within " + SWITCH_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LivePolicy.PolicyException("interrupted while switching");
    }
  }

  private static String exportSource(AgentPlan plan) {
    InetAddress source = plan.routedSource();
    return source == null ? "" : source.getHostAddress();
  }

  private static void closeQuietly(Transport transport) {
    if (transport != null) {
      transport.close();
    }
  }
}
