package dev.tapwire.collector.control;

import com.google.protobuf.util.Durations;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentPolicyResult;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.GetStatsRequest;
import dev.tapwire.proto.v1.GetStatsResponse;
import dev.tapwire.proto.v1.LinkType;
import dev.tapwire.proto.v1.ListAgentsRequest;
import dev.tapwire.proto.v1.ListAgentsResponse;
import dev.tapwire.proto.v1.SetPolicyRequest;
import dev.tapwire.proto.v1.SetPolicyResponse;
import dev.tapwire.proto.v1.TapRequest;
import dev.tapwire.proto.v1.TapResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** AdminService: agents, statistics, policy changes and live taps, for operators and the CLI. */
final class AdminControlService extends AdminServiceGrpc.AdminServiceImplBase {
  /** Longest wait for agents' answers in SetPolicy, whatever apply_timeout says. */
  static final long MAX_APPLY_WAIT_NS = TimeUnit.SECONDS.toNanos(60);

  private final AgentRegistry registry;
  private final CollectorCounters counters;
  private final TapSink tapSink;
  private final ControlLimits limits;
  private final ScheduledExecutorService timer;
  private final Executor tapExecutor;
  private final LongSupplier clockNs;

  AdminControlService(
      AgentRegistry registry,
      CollectorCounters counters,
      TapSink tapSink,
      ControlLimits limits,
      ScheduledExecutorService timer,
      Executor tapExecutor,
      LongSupplier clockNs) {
    this.registry = registry;
    this.counters = counters;
    this.tapSink = tapSink;
    this.limits = limits;
    this.timer = timer;
    this.tapExecutor = tapExecutor;
    this.clockNs = clockNs;
  }

  @Override
  public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> response) {
    AgentControlService.unary(
        response,
        () ->
            ListAgentsResponse.newBuilder()
                .addAllAgents(registry.list(request.getSelector()))
                .build());
  }

  @Override
  public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
    AgentControlService.unary(
        response,
        () -> {
          if (!request.getAgentId().isEmpty()) {
            requireAgent(request.getAgentId());
          }
          return StatsSnapshot.build(
              counters, registry.streamOwners(), request.getAgentId(), clockNs.getAsLong());
        });
  }

  @Override
  public void setPolicy(SetPolicyRequest request, StreamObserver<SetPolicyResponse> response) {
    if (request.getTarget().getTargetCase() == AgentSelector.TargetCase.TARGET_NOT_SET) {
      response.onError(invalid("target is required: all agents, a label selector or an agent id"));
      return;
    }
    String maskError = PolicyEditor.checkMask(request.getUpdateMask());
    if (maskError != null) {
      response.onError(invalid(maskError));
      return;
    }
    if (request.getTarget().getTargetCase() == AgentSelector.TargetCase.AGENT_ID) {
      try {
        requireAgent(request.getTarget().getAgentId());
      } catch (StatusRuntimeException e) {
        response.onError(e);
        return;
      }
    }
    List<AgentPolicyResult> results = registry.setPolicy(request);
    if (request.hasApplyTimeout() && !request.getValidateOnly()) {
      long waitNs =
          Math.min(MAX_APPLY_WAIT_NS, Math.max(0, Durations.toNanos(request.getApplyTimeout())));
      Deadline deadline = Context.current().getDeadline();
      if (deadline != null) {
        // Answer before the caller gives up, with whatever statuses are known by then.
        waitNs = Math.min(waitNs, deadline.timeRemaining(TimeUnit.NANOSECONDS) * 9 / 10);
      }
      try {
        results = registry.awaitAnswers(results, System.nanoTime() + waitNs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
        return;
      }
    }
    response.onNext(SetPolicyResponse.newBuilder().addAllResults(results).build());
    response.onCompleted();
  }

  @Override
  public void tap(TapRequest request, StreamObserver<TapResponse> responseObserver) {
    ServerCallStreamObserver<TapResponse> observer =
        (ServerCallStreamObserver<TapResponse>) responseObserver;
    try {
      checkTap(request);
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    }
    TapStreamer streamer =
        new TapStreamer(observer, registry::streamOwners, tapExecutor, request.getMaxFrames());
    TapClient client =
        new TapClient(request, registry::streamOwners, limits.tapQueueFrames(), streamer::wake);
    streamer.attach(client);
    observer.setOnReadyHandler(streamer::drain);
    observer.setOnCancelHandler(streamer::cancelled);
    ScheduledFuture<?> limit =
        timer.schedule(streamer::finish, limits.maxTapNs(), TimeUnit.NANOSECONDS);
    observer.setOnCloseHandler(() -> limit.cancel(false));
    tapSink.add(client);
  }

  private void checkTap(TapRequest request) {
    if (tapSink.clientCount() >= limits.maxTapClients()) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription("too many live taps (at most " + limits.maxTapClients() + ")")
          .asRuntimeException();
    }
    if (!request.getAgentId().isEmpty()) {
      requireAgent(request.getAgentId());
    }
    if (!request.getBpfFilter().isEmpty()) {
      String error;
      try {
        error = BpfFilter.check(request.getBpfFilter(), LinkType.LINK_TYPE_ETHERNET_VALUE);
      } catch (IllegalStateException e) {
        throw Status.FAILED_PRECONDITION
            .withDescription("the collector cannot filter taps: " + e.getMessage())
            .asRuntimeException();
      }
      if (error != null) {
        throw invalid(error);
      }
    }
  }

  private void requireAgent(String agentId) {
    if (registry.list(AgentSelector.newBuilder().setAgentId(agentId).build()).isEmpty()) {
      throw Status.NOT_FOUND
          .withDescription("unknown agent '" + agentId + "'")
          .asRuntimeException();
    }
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
