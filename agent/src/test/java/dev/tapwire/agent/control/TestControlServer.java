package dev.tapwire.agent.control;

import com.google.protobuf.Duration;
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
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the collector's AgentService on a real TCP port: records every request, answers
 * Register with the policy set by {@link #setPolicy}, streams every later policy to the open
 * WatchPolicy calls, and can be told to answer NOT_FOUND (a collector that forgot its agents) or to
 * hold Register past the caller's deadline.
 */
public final class TestControlServer implements AutoCloseable {
  public final List<RegisterRequest> registers = new CopyOnWriteArrayList<>();
  public final List<WatchPolicyRequest> watches = new CopyOnWriteArrayList<>();
  public final List<ReportPolicyStatusRequest> statuses = new CopyOnWriteArrayList<>();
  public final List<ReportStatsRequest> stats = new CopyOnWriteArrayList<>();
  public final Map<String, Integer> sessionIds = new ConcurrentHashMap<>();
  public final AtomicInteger openWatches = new AtomicInteger();
  private final List<ServerCallStreamObserver<WatchPolicyResponse>> streams =
      new CopyOnWriteArrayList<>();
  private final AtomicLong nextAgent = new AtomicLong(1);
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Server server;
  private volatile CapturePolicy policy = CapturePolicy.getDefaultInstance();
  private volatile java.time.Duration reportInterval = java.time.Duration.ofMillis(200);
  private volatile boolean forgetAgents;
  private volatile CountDownLatch registerGate = new CountDownLatch(0);

  private TestControlServer(String host, int port, ServerCredentials credentials)
      throws IOException {
    // Event loops of its own, started from this thread: gRPC binds on the boss thread, and a
    // socket belongs to the network namespace of the thread that creates it.
    boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      boss.submit(() -> null).get();
      workers.submit(() -> null).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IOException(e);
    }
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(NioServerSocketChannel.class)
            .addService(new Service())
            .build()
            .start();
  }

  /** On a free port of 127.0.0.1. */
  public static TestControlServer start() throws IOException {
    return new TestControlServer("127.0.0.1", 0, InsecureServerCredentials.create());
  }

  /** On a free port of 127.0.0.1, TLS only, with {@code credentials}. */
  public static TestControlServer start(ServerCredentials credentials) throws IOException {
    return new TestControlServer("127.0.0.1", 0, credentials);
  }

  /**
   * On {@code host:port} (0 for a free port), in the calling thread's network namespace (the
   * listening socket is created by this thread).
   */
  public static TestControlServer start(String host, int port) throws IOException {
    return new TestControlServer(host, port, InsecureServerCredentials.create());
  }

  /** On {@code port} (a restarted collector). */
  public static TestControlServer start(int port) throws IOException {
    return new TestControlServer("127.0.0.1", port, InsecureServerCredentials.create());
  }

  public int port() {
    return server.getPort();
  }

  public void reportInterval(java.time.Duration interval) {
    reportInterval = interval;
  }

  /** From now on every call but Register fails with NOT_FOUND. */
  public void forgetAgents(boolean value) {
    forgetAgents = value;
  }

  /** Register answers only after {@link #releaseRegister} (or 30 s). */
  public void holdRegister() {
    registerGate = new CountDownLatch(1);
  }

  public void releaseRegister() {
    registerGate.countDown();
  }

  /** The policy Register returns; also streamed to every open WatchPolicy. */
  public void setPolicy(CapturePolicy next) {
    policy = next;
    for (ServerCallStreamObserver<WatchPolicyResponse> stream : streams) {
      if (!stream.isCancelled()) {
        stream.onNext(WatchPolicyResponse.newBuilder().setPolicy(next).build());
      }
    }
  }

  @Override
  public void close() {
    registerGate.countDown();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private final class Service extends AgentServiceGrpc.AgentServiceImplBase {
    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
      registers.add(request);
      try {
        if (!registerGate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("register held for 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String id =
          request.getPreviousAgentId().isEmpty()
              ? "agent-" + nextAgent.getAndIncrement()
              : request.getPreviousAgentId();
      java.time.Duration interval = reportInterval;
      response.onNext(
          RegisterResponse.newBuilder()
              .setAgentId(id)
              .putAllSessionIds(sessionIds)
              .setPolicy(policy)
              .setReportInterval(
                  Duration.newBuilder()
                      .setSeconds(interval.getSeconds())
                      .setNanos(interval.getNano()))
              .build());
      response.onCompleted();
    }

    @Override
    public void watchPolicy(
        WatchPolicyRequest request, StreamObserver<WatchPolicyResponse> response) {
      watches.add(request);
      if (forgetAgents) {
        response.onError(Status.NOT_FOUND.withDescription("unknown agent").asRuntimeException());
        return;
      }
      ServerCallStreamObserver<WatchPolicyResponse> stream =
          (ServerCallStreamObserver<WatchPolicyResponse>) response;
      openWatches.incrementAndGet();
      stream.setOnCancelHandler(
          () -> {
            openWatches.decrementAndGet();
            streams.remove(stream);
          });
      streams.add(stream);
      CapturePolicy now = policy;
      if (now.getPolicyVersion() > request.getKnownPolicyVersion()) {
        stream.onNext(WatchPolicyResponse.newBuilder().setPolicy(now).build());
      }
    }

    @Override
    public void reportPolicyStatus(
        ReportPolicyStatusRequest request, StreamObserver<ReportPolicyStatusResponse> response) {
      if (forgetAgents) {
        response.onError(Status.NOT_FOUND.asRuntimeException());
        return;
      }
      statuses.add(request);
      response.onNext(ReportPolicyStatusResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void reportStats(
        ReportStatsRequest request, StreamObserver<ReportStatsResponse> response) {
      if (forgetAgents) {
        response.onError(Status.NOT_FOUND.asRuntimeException());
        return;
      }
      stats.add(request);
      response.onNext(ReportStatsResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
