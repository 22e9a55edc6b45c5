package dev.tapwire.agent.control;

import dev.tapwire.agent.config.ControlConfig;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channel to the collector's AgentService, with its own event loop. Its TCP sockets are
 * created on a thread of the agent's own, started by {@link #open} and so in the caller's network
 * namespace: gRPC may connect from any of its threads, and a socket lives in the namespace of the
 * thread that created it.
 */
public final class ControlChannel implements AutoCloseable {
  private final ManagedChannel channel;
  private final EventLoopGroup eventLoop;
  private final ExecutorService socketThread;

  private ControlChannel(
      ManagedChannel channel, EventLoopGroup eventLoop, ExecutorService socketThread) {
    this.channel = channel;
    this.eventLoop = eventLoop;
    this.socketThread = socketThread;
  }

  /**
   * A channel to {@code collector} (already resolved) on the control port; {@code collectorHost} is
   * the name as configured, checked against the collector's certificate under TLS.
   *
   * @throws IOException if a PEM file cannot be read or parsed
   */
  public static ControlChannel open(
      InetAddress collector, String collectorHost, ControlConfig config) throws IOException {
    ChannelCredentials credentials = credentials(config);
    ExecutorService socketThread =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("agent-control-socket").daemon(true).factory());
    // Create the thread now, from the caller's thread, so that it inherits its namespace.
    waitFor(socketThread.submit(() -> null));
    EventLoopGroup eventLoop =
        new MultiThreadIoEventLoopGroup(
            1,
            Thread.ofPlatform().name("agent-control-io").daemon(true).factory(),
            NioIoHandler.newFactory());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new InetSocketAddress(collector, config.port()), credentials)
            .overrideAuthority(authority(collectorHost, config.port()))
            .eventLoopGroup(eventLoop)
            .channelFactory(
                () ->
                    waitFor(
                        socketThread.submit((Callable<NioSocketChannel>) NioSocketChannel::new)))
            .userAgent("tapwire-agent")
            .build();
    return new ControlChannel(channel, eventLoop, socketThread);
  }

  private static ChannelCredentials credentials(ControlConfig config) throws IOException {
    if (!config.tls()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (config.tlsCertificate() != null) {
      tls.keyManager(config.tlsCertificate().toFile(), config.tlsKey().toFile());
    }
    if (config.tlsTrustedCertificates() != null) {
      tls.trustManager(config.tlsTrustedCertificates().toFile());
    }
    return tls.build();
  }

  static String authority(String host, int port) {
    boolean v6Literal = host.indexOf(':') >= 0;
    return (v6Literal ? "[" + host + "]" : host) + ":" + port;
  }

  private static <T> T waitFor(java.util.concurrent.Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating a control socket", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create a control socket", e.getCause());
    }
  }

  /** The channel for stubs. */
  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    socketThread.shutdownNow();
  }
}
