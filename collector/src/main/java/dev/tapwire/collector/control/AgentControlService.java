package dev.tapwire.collector.control;

import dev.tapwire.proto.v1.AgentServiceGrpc;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.proto.v1.ReportPolicyStatusResponse;
import dev.tapwire.proto.v1.ReportStatsRequest;
import dev.tapwire.proto.v1.ReportStatsResponse;
import dev.tapwire.proto.v1.WatchPolicyRequest;
import dev.tapwire.proto.v1.WatchPolicyResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** AgentService: the agents' side of the control plane, backed by the {@link AgentRegistry}. */
final class AgentControlService extends AgentServiceGrpc.AgentServiceImplBase {
  private final AgentRegistry registry;
  private final ScheduledExecutorService timer;
  private final long maxWatchNs;

  /**
   * @param maxWatchNs longest WatchPolicy stream; the server ends longer ones (OK status) and the
   *     agent reopens it from its last version
   */
  AgentControlService(AgentRegistry registry, ScheduledExecutorService timer, long maxWatchNs) {
    this.registry = registry;
    this.timer = timer;
    this.maxWatchNs = maxWatchNs;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (request.getHostName().isBlank()) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription("host_name is empty").asRuntimeException());
      return;
    }
    unary(
        response,
        () ->
            registry.register(
                request,
                PeerAddressInterceptor.REMOTE.get(),
                PeerAddressInterceptor.LOCAL_HOST.get()));
  }

  @Override
  public void watchPolicy(
      WatchPolicyRequest request, StreamObserver<WatchPolicyResponse> responseObserver) {
    ServerCallStreamObserver<WatchPolicyResponse> observer =
        (ServerCallStreamObserver<WatchPolicyResponse>) responseObserver;
    PolicyStream watch = new PolicyStream(request.getAgentId(), observer);
    observer.setOnCancelHandler(watch::cancel);
    ScheduledFuture<?> limit = timer.schedule(watch::end, maxWatchNs, TimeUnit.NANOSECONDS);
    observer.setOnCloseHandler(() -> limit.cancel(false));
    try {
      registry.watch(request.getAgentId(), request.getKnownPolicyVersion(), watch);
    } catch (StatusRuntimeException e) {
      watch.fail(e);
    }
  }

  @Override
  public void reportPolicyStatus(
      ReportPolicyStatusRequest request, StreamObserver<ReportPolicyStatusResponse> response) {
    unary(
        response,
        () -> {
          registry.reportPolicyStatus(request);
          return ReportPolicyStatusResponse.getDefaultInstance();
        });
  }

  @Override
  public void reportStats(
      ReportStatsRequest request, StreamObserver<ReportStatsResponse> response) {
    unary(
        response,
        () -> {
          registry.reportStats(request);
          return ReportStatsResponse.getDefaultInstance();
        });
  }

  static <T> void unary(StreamObserver<T> response, java.util.function.Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  /** One WatchPolicy stream; every send and end happens under the registry's lock. */
  private final class PolicyStream implements PolicyWatch {
    private final String agentId;
    private final ServerCallStreamObserver<WatchPolicyResponse> observer;
    private boolean done;

    PolicyStream(String agentId, ServerCallStreamObserver<WatchPolicyResponse> observer) {
      this.agentId = agentId;
      this.observer = observer;
    }

    @Override
    public boolean send(CapturePolicy policy) {
      if (done || observer.isCancelled()) {
        return false;
      }
      observer.onNext(WatchPolicyResponse.newBuilder().setPolicy(policy).build());
      return true;
    }

    /** The server's time limit: end with OK; the agent reopens from its last version. */
    void end() {
      synchronized (registry) {
        if (!done) {
          done = true;
          registry.unwatch(agentId, this);
          observer.onCompleted();
        }
      }
    }

    void fail(StatusRuntimeException e) {
      synchronized (registry) {
        if (!done) {
          done = true;
          observer.onError(e);
        }
      }
    }

    void cancel() {
      synchronized (registry) {
        done = true;
        registry.unwatch(agentId, this);
      }
    }
  }
}
