package dev.tapwire.agent.control;

import com.google.protobuf.Duration;
import dev.tapwire.proto.v1.AgentServiceGrpc;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.proto.v1.ReportStatsRequest;
import dev.tapwire.proto.v1.ReportStatsResponse;
import dev.tapwire.proto.v1.WatchPolicyRequest;
import dev.tapwire.proto.v1.WatchPolicyResponse;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent side of AgentService, on one thread of its own ({@code agent-control}): registers,
 * keeps a WatchPolicy stream open, applies each policy version through a {@link PolicyTarget} and
 * answers it with ReportPolicyStatus, and calls ReportStats every report interval.
 *
 * <p>Any failure (collector down, deadline, NOT_FOUND after a collector restart) leads back to
 * Register, after a delay that doubles per failure with jitter (cap {@link
 * ControlTimings#maxRetry}); NOT_FOUND registers again at once. Meanwhile the data plane goes on
 * under the last policy applied: nothing here ever blocks a capture or send thread.
 */
public final class ControlClient implements AutoCloseable {
  private final AgentServiceGrpc.AgentServiceBlockingStub blocking;
  private final AgentServiceGrpc.AgentServiceStub async;
  private final PolicyTarget target;
  private final Supplier<RegisterRequest> registration;
  private final ControlTimings timings;
  private final ControlState state;
  private final Backoff backoff;
  private final LongSupplier wallClockNs;
  private final long startTimeUnixNanos;
  private final ScheduledThreadPoolExecutor thread;

  // Owned by the control thread.
  private final Map<String, Integer> sessionIds = new HashMap<>();
  private String agentId = "";
  private long knownPolicyVersion;
  private CapturePolicy lastPolicy;
  private PolicyOutcome lastOutcome;
  private long appliedVersion;
  private long reportIntervalNs;
  private long connection;
  private long watch;
  private long lastNotFoundNs = Long.MIN_VALUE;
  private Context.CancellableContext watchContext;
  private ScheduledFuture<?> pendingTask;
  private ScheduledFuture<?> statsTask;
  private ScheduledFuture<?> watchRenewal;
  private boolean closed;

  /**
   * @param registration builds the RegisterRequest (without the previous agent id) when called
   * @param wallClockNs nanoseconds since the epoch, for report times
   */
  public ControlClient(
      Channel channel,
      PolicyTarget target,
      Supplier<RegisterRequest> registration,
      ControlTimings timings,
      ControlState state,
      Backoff backoff,
      LongSupplier wallClockNs) {
    this.blocking = AgentServiceGrpc.newBlockingStub(channel);
    this.async = AgentServiceGrpc.newStub(channel);
    this.target = target;
    this.registration = registration;
    this.timings = timings;
    this.state = state;
    this.backoff = backoff;
    this.wallClockNs = wallClockNs;
    this.startTimeUnixNanos = wallClockNs.getAsLong();
    this.reportIntervalNs = timings.defaultReportInterval().toNanos();
    this.thread =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("agent-control").daemon(true).factory());
    this.thread.setRemoveOnCancelPolicy(true);
    // Started from the caller's thread, so that it runs in the caller's network namespace.
    this.thread.prestartAllCoreThreads();
  }

  /** Starts registering (in the background: the caller does not wait for the collector). */
  public ControlClient start() {
    thread.execute(this::connect);
    return this;
  }

  /** What the client exposes. */
  public ControlState state() {
    return state;
  }

  private void connect() {
    if (closed) {
      return;
    }
    stopCalls();
    long current = ++connection;
    RegisterResponse response;
    try {
      RegisterRequest request = registration.get().toBuilder().setPreviousAgentId(agentId).build();
      response = unary().register(request);
    } catch (StatusRuntimeException e) {
      retryLater("Register", e.getStatus());
      return;
    } catch (RuntimeException e) {
      retryLater("Register", Status.INTERNAL.withDescription(e.toString()));
      return;
    }
    agentId = response.getAgentId();
    sessionIds.clear();
    sessionIds.putAll(response.getSessionIdsMap());
    if (response.hasReportInterval()) {
      reportIntervalNs = positiveNanos(response.getReportInterval(), reportIntervalNs);
    }
    state.registered(agentId);
    state.connected(true);
    backoff.reset();
    onPolicy(response.getPolicy(), true);
    if (current != connection) {
      return; // reporting the status failed and started over
    }
    openWatch(current);
    scheduleStats(current, reportIntervalNs);
  }

  /**
   * Applies a policy unless it is the one last handled: a registration may return the policy in
   * force again (after a reconnection), which is then only reported again.
   */
  private void onPolicy(CapturePolicy policy, boolean fromRegister) {
    long version = policy.getPolicyVersion();
    if (version == 0) {
      // "No policy": the local settings (or the last policy) stay, under the collector's sessions.
      if (fromRegister && lastPolicy == null && !sessionIds.isEmpty()) {
        target.assignSessions(Map.copyOf(sessionIds));
      }
      return;
    }
    if (!fromRegister && version <= knownPolicyVersion) {
      return;
    }
    knownPolicyVersion = version;
    if (!policy.equals(lastPolicy)) {
      lastPolicy = policy;
      lastOutcome = target.apply(policy, Map.copyOf(sessionIds));
      if (lastOutcome.applied()) {
        appliedVersion = version;
        state.applied(version);
      } else {
        state.rejected(version, lastOutcome.errorMessage());
      }
    }
    reportStatus(version, lastOutcome);
  }

  private void reportStatus(long version, PolicyOutcome outcome) {
    ReportPolicyStatusRequest request =
        ReportPolicyStatusRequest.newBuilder()
            .setAgentId(agentId)
            .setPolicyVersion(version)
            .setStatus(
                outcome.applied()
                    ? PolicyStatus.POLICY_STATUS_APPLIED
                    : PolicyStatus.POLICY_STATUS_REJECTED)
            .setErrorMessage(outcome.errorMessage())
            .setExportSourceAddress(outcome.exportSourceAddress())
            .build();
    try {
      unary().reportPolicyStatus(request);
    } catch (StatusRuntimeException e) {
      // The status goes again after the next registration, which returns this policy again.
      onCallFailed("ReportPolicyStatus", e.getStatus());
    }
  }

  private void openWatch(long current) {
    if (watchContext != null) {
      watchContext.cancel(null);
    }
    if (watchRenewal != null) {
      watchRenewal.cancel(false);
    }
    long id = ++watch;
    WatchPolicyRequest request =
        WatchPolicyRequest.newBuilder()
            .setAgentId(agentId)
            .setKnownPolicyVersion(knownPolicyVersion)
            .build();
    Context.CancellableContext context = Context.current().withCancellation();
    watchContext = context;
    long windowNs = timings.watchWindow().toNanos();
    context.run(
        () ->
            async
                .withDeadlineAfter(windowNs, TimeUnit.NANOSECONDS)
                .watchPolicy(request, new WatchObserver(current, id)));
    // Open the next stream before this one's deadline, from the version known then.
    watchRenewal =
        thread.schedule(
            () -> {
              if (current == connection && id == watch) {
                openWatch(current);
              }
            },
            windowNs - windowNs / 10,
            TimeUnit.NANOSECONDS);
  }

  private final class WatchObserver implements StreamObserver<WatchPolicyResponse> {
    private final long connectionId;
    private final long watchId;

    WatchObserver(long connectionId, long watchId) {
      this.connectionId = connectionId;
      this.watchId = watchId;
    }

    private boolean current() {
      return connectionId == connection && watchId == watch && !closed;
    }

    @Override
    public void onNext(WatchPolicyResponse response) {
      post(
          () -> {
            if (current()) {
              onPolicy(response.getPolicy(), false);
            }
          });
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      post(
          () -> {
            if (!current()) {
              return;
            }
            if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
              openWatch(connectionId);
            } else {
              onCallFailed("WatchPolicy", status);
            }
          });
    }

    @Override
    public void onCompleted() {
      // The collector ended the stream (e.g. shutting down): start over, with backoff.
      post(
          () -> {
            if (current()) {
              onCallFailed("WatchPolicy", Status.UNAVAILABLE.withDescription("stream ended"));
            }
          });
    }
  }

  /** Runs {@code task} on the control thread, unless the client is closed. */
  private void post(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: gRPC's last callbacks have nothing left to do.
    }
  }

  private void scheduleStats(long current, long delayNs) {
    if (statsTask != null) {
      statsTask.cancel(false);
    }
    statsTask =
        thread.schedule(
            () -> {
              if (current == connection && !closed) {
                reportStats(current);
              }
            },
            delayNs,
            TimeUnit.NANOSECONDS);
  }

  private void reportStats(long current) {
    ReportStatsRequest request =
        ReportStatsRequest.newBuilder()
            .setAgentId(agentId)
            .setSnapshotTimeUnixNanos(wallClockNs.getAsLong())
            .setAgentStartTimeUnixNanos(startTimeUnixNanos)
            .setPolicyVersion(appliedVersion)
            .setStats(target.stats())
            .build();
    try {
      ReportStatsResponse response = unary().reportStats(request);
      if (response.hasReportInterval()) {
        reportIntervalNs = positiveNanos(response.getReportInterval(), reportIntervalNs);
      }
    } catch (StatusRuntimeException e) {
      onCallFailed("ReportStats", e.getStatus());
    }
    if (current == connection && !closed) {
      scheduleStats(current, reportIntervalNs);
    }
  }

  /** NOT_FOUND: the collector forgot this agent, register again now; anything else: back off. */
  private void onCallFailed(String call, Status status) {
    long nowNs = System.nanoTime();
    boolean again = lastNotFoundNs != Long.MIN_VALUE && nowNs - lastNotFoundNs < 1_000_000_000L;
    if (status.getCode() == Status.Code.NOT_FOUND && !again) {
      lastNotFoundNs = nowNs;
      state.failed(call + ": " + status);
      stopCalls();
      ++connection;
      schedule(0);
    } else {
      retryLater(call, status);
    }
  }

  private void retryLater(String call, Status status) {
    state.failed(call + ": " + status.getCode() + describe(status));
    state.connected(false);
    stopCalls();
    ++connection;
    schedule(backoff.nextDelayNs());
  }

  private static String describe(Status status) {
    return status.getDescription() == null ? "" : " (" + status.getDescription() + ")";
  }

  private void schedule(long delayNs) {
    if (closed) {
      return;
    }
    if (pendingTask != null) {
      pendingTask.cancel(false);
    }
    pendingTask = thread.schedule(this::connect, delayNs, TimeUnit.NANOSECONDS);
  }

  private void stopCalls() {
    if (watchContext != null) {
      watchContext.cancel(null);
      watchContext = null;
    }
    if (watchRenewal != null) {
      watchRenewal.cancel(false);
      watchRenewal = null;
    }
    if (statsTask != null) {
      statsTask.cancel(false);
      statsTask = null;
    }
  }

  private AgentServiceGrpc.AgentServiceBlockingStub unary() {
    return blocking.withDeadlineAfter(timings.callDeadline().toNanos(), TimeUnit.NANOSECONDS);
  }

  private static long positiveNanos(Duration duration, long fallbackNs) {
    long ns = duration.getSeconds() * 1_000_000_000L + duration.getNanos();
    return ns > 0 ? ns : fallbackNs;
  }

  /** Stops calling the collector; the data plane is not touched. */
  @Override
  public void close() {
    try {
      thread
          .submit(
              () -> {
                closed = true;
                stopCalls();
                if (pendingTask != null) {
                  pendingTask.cancel(false);
                }
                state.connected(false);
              })
          .get(timings.callDeadline().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The thread is stuck in a call: its deadline ends it; shutdownNow interrupts it.
    }
    thread.shutdownNow();
  }
}
