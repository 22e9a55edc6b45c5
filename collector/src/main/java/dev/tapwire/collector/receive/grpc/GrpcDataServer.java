package dev.tapwire.collector.receive.grpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server for the {@link GrpcFrameService} alone (tests, benchmarks): its own event loop,
 * started here so that it listens in the calling thread's network namespace, and requests bounded
 * by {@link GrpcFrameService#MAX_MESSAGE_BYTES}. In the collector the control-plane server serves
 * the same service on its port.
 */
public final class GrpcDataServer implements AutoCloseable {
  private final Server server;
  private final EventLoopGroup group;

  private GrpcDataServer(Server server, EventLoopGroup group) {
    this.server = server;
    this.group = group;
  }

  /** Listens on {@code address} (port 0: any free port). */
  public static GrpcDataServer start(
      InetSocketAddress address, BindableService service, ServerCredentials credentials)
      throws IOException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1,
            (ThreadFactory) r -> Thread.ofPlatform().name("collector-grpc").daemon().unstarted(r),
            NioIoHandler.newFactory());
    try {
      group.submit(() -> {}).syncUninterruptibly();
      Server server =
          NettyServerBuilder.forAddress(address, credentials)
              .bossEventLoopGroup(group)
              .workerEventLoopGroup(group)
              .channelType(NioServerSocketChannel.class)
              .maxInboundMessageSize(GrpcFrameService.MAX_MESSAGE_BYTES)
              .addService(service)
              .build()
              .start();
      return new GrpcDataServer(server, group);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Server credentials from PEM files: plaintext without {@code cert}; TLS with it; mTLS (a client
   * certificate signed by {@code ca} required) when {@code ca} is given too.
   */
  public static ServerCredentials credentials(Path cert, Path key, Path ca) throws IOException {
    if (cert == null) {
      return InsecureServerCredentials.create();
    }
    TlsServerCredentials.Builder builder =
        TlsServerCredentials.newBuilder().keyManager(cert.toFile(), key.toFile());
    if (ca != null) {
      builder.trustManager(ca.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return builder.build();
  }

  public int port() {
    return server.getPort();
  }

  /** Ends every call and stops listening. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
