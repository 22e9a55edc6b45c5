package dev.tapwire.collector.control;

import dev.tapwire.collector.config.ControlServerSettings;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The collector's gRPC server: the given services (AgentService, AdminService, and whatever other
 * services the collector adds, e.g. DataService) plus {@code grpc.health.v1}, over plaintext or
 * TLS/mutual TLS with reloading certificates. AdminService calls may be restricted to certain
 * client certificates. Transport limits keep a misbehaving client from holding resources.
 */
public final class ControlServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

  /** Largest message accepted, e.g. a DataService frame batch. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;

  private final Server server;
  private final HealthStatusManager health;
  private final ServerTls tls;
  private final List<EventLoopGroup> loops;

  private ControlServer(
      Server server, HealthStatusManager health, ServerTls tls, List<EventLoopGroup> loops) {
    this.loops = loops;
    this.server = server;
    this.health = health;
    this.tls = tls;
  }

  /**
   * Binds {@code settings.address()} (all addresses when null) on {@code port} (0: any free port)
   * and starts serving. Sockets are opened in the calling thread's network namespace.
   *
   * @param services every service to serve; each is reported SERVING by the health service
   * @param timer runs certificate reloads
   * @param tlsReloadPeriodNs how often the TLS files are checked for changes
   * @throws IOException when the port is taken or a TLS file cannot be read (the message names it)
   */
  public static ControlServer start(
      ControlServerSettings settings,
      int port,
      List<BindableService> services,
      ScheduledExecutorService timer,
      long tlsReloadPeriodNs)
      throws IOException {
    ServerTls tls = settings.tls() ? ServerTls.start(settings, timer, tlsReloadPeriodNs) : null;
    List<EventLoopGroup> loops = List.of();
    try {
      ServerCredentials credentials =
          tls == null ? InsecureServerCredentials.create() : tls.credentials();
      InetSocketAddress bind =
          settings.address() == null
              ? new InetSocketAddress(port)
              : new InetSocketAddress(settings.address(), port);
      List<ServerInterceptor> interceptors = new ArrayList<>();
      interceptors.add(new PeerAddressInterceptor());
      if (tls != null && tls.adminCertificates().restricted()) {
        interceptors.add(new AdminAccessInterceptor(tls.adminCertificates()));
      }
      HealthStatusManager health = new HealthStatusManager();
      // Own event loops, the acceptor's thread started here: the listening socket is opened on
      // it, so it must be in the calling thread's network namespace (grpc's shared loops may have
      // been started in another one).
      EventLoopGroup boss =
          new MultiThreadIoEventLoopGroup(
              1,
              (ThreadFactory)
                  r -> Thread.ofPlatform().name("collector-grpc-accept").daemon().unstarted(r),
              NioIoHandler.newFactory());
      boss.submit(() -> {}).syncUninterruptibly();
      EventLoopGroup workers =
          new MultiThreadIoEventLoopGroup(
              Math.max(2, Runtime.getRuntime().availableProcessors()),
              (ThreadFactory) r -> Thread.ofPlatform().name("collector-grpc").daemon().unstarted(r),
              NioIoHandler.newFactory());
      loops = List.of(boss, workers);
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(bind, credentials)
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .channelType(NioServerSocketChannel.class)
              .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
              .handshakeTimeout(10, TimeUnit.SECONDS)
              .permitKeepAliveTime(10, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .maxConnectionIdle(1, TimeUnit.HOURS)
              .addService(health.getHealthService());
      for (BindableService service : services) {
        ServerServiceDefinition definition = service.bindService();
        builder.addService(ServerInterceptors.intercept(definition, interceptors));
      }
      Server server = builder.build().start();
      for (BindableService service : services) {
        health.setStatus(
            service.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
      }
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      if (tls == null) {
        LOG.log(
            System.Logger.Level.WARNING,
            "WARNING: the gRPC control plane on "
                + describe(settings.address(), server.getPort())
                + " runs WITHOUT TLS: anyone who reaches it can register agents, change capture"
                + " policy and tap traffic. Set tls-cert, tls-key and tls-ca (mutual TLS).");
      }
      return new ControlServer(server, health, tls, loops);
    } catch (IOException | RuntimeException e) {
      if (tls != null) {
        tls.close();
      }
      for (EventLoopGroup loop : loops) {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  private static String describe(InetAddress address, int port) {
    return (address == null ? "*" : address.getHostAddress()) + ":" + port;
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** Reports NOT_SERVING, stops accepting calls and waits briefly for running ones. */
  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (tls != null) {
      tls.close();
    }
    for (EventLoopGroup loop : loops) {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
