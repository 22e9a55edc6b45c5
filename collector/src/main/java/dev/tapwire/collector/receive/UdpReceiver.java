package dev.tapwire.collector.receive;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.frame.FramePools;
import dev.tapwire.runtime.work.SpscQueue;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Receives the UDP encapsulations (VXLAN, GRE-in-UDP) through Netty's epoll transport on one event
 * loop thread, which is the single producer of one queue to the decode stage. Each read is one
 * {@code recvmmsg} of up to {@link #BATCH_DATAGRAMS} datagrams: Netty uses it when {@code
 * MAX_DATAGRAM_PAYLOAD_SIZE} is set and the fixed receive buffer holds that many datagrams.
 *
 * <p>Binding: the wildcard addresses of both families together become one dual-stack socket on
 * {@code [::]} (IPv4 senders appear as IPv4); any other address gets a socket of its own family. A
 * datagram longer than {@link #MAX_DATAGRAM_BYTES} is cut by the kernel; none of the supported
 * encapsulations of a 9000-byte jumbo frame comes near it.
 */
public final class UdpReceiver implements AutoCloseable {
  /** Datagrams per {@code recvmmsg}. */
  public static final int BATCH_DATAGRAMS = 32;

  /** Largest datagram payload received whole. */
  public static final int MAX_DATAGRAM_BYTES = 16_384;

  private static final int SOCKET_BUFFER_BYTES = 16 << 20;

  /** One UDP port and what it carries. */
  public record Port(int port, ReceiveCounters counters, int receiverIndex) {}

  private final EventLoopGroup group;
  private final List<Channel> channels;

  private UdpReceiver(EventLoopGroup group, List<Channel> channels) {
    this.group = group;
    this.channels = channels;
  }

  /**
   * Binds every port on every listen address, in the calling thread's network namespace (the
   * sockets are created on this thread).
   *
   * @throws Exception when the epoll transport is unavailable or a bind fails (everything opened so
   *     far is closed)
   */
  public static UdpReceiver start(
      List<InetAddress> listen, List<Port> ports, FramePools pools, SpscQueue<Frame> queue)
      throws Exception {
    Epoll.ensureAvailability();
    ThreadFactory threads =
        runnable -> Thread.ofPlatform().name("collector-rx-udp").daemon(true).unstarted(runnable);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, threads, EpollIoHandler.newFactory());
    List<Channel> channels = new ArrayList<>();
    UdpReceiver receiver = new UdpReceiver(group, channels);
    try {
      for (Port port : ports) {
        UdpFrameHandler handler =
            new UdpFrameHandler(
                new FrameHandoff(pools, queue, port.counters()), port.receiverIndex(), port.port());
        for (InetAddress address : bindAddresses(listen)) {
          channels.add(bind(group, handler, address, port.port()));
        }
      }
    } catch (Exception | Error e) {
      receiver.close();
      throw e;
    }
    return receiver;
  }

  /** The addresses to bind: both wildcards become the dual-stack {@code [::]}. */
  static List<InetAddress> bindAddresses(List<InetAddress> listen) {
    boolean v4Any = false;
    boolean v6Any = false;
    for (InetAddress address : listen) {
      if (address.isAnyLocalAddress()) {
        if (address instanceof Inet4Address) {
          v4Any = true;
        } else {
          v6Any = true;
        }
      }
    }
    List<InetAddress> result = new ArrayList<>();
    for (InetAddress address : listen) {
      boolean coveredByDualStack = v4Any && v6Any && address.isAnyLocalAddress();
      if (!coveredByDualStack && !result.contains(address)) {
        result.add(address);
      }
    }
    if (v4Any && v6Any) {
      result.add(
          0,
          listen.stream()
              .filter(a -> a.isAnyLocalAddress() && !(a instanceof Inet4Address))
              .findFirst()
              .orElseThrow());
    }
    return result;
  }

  private static Channel bind(
      EventLoopGroup group, UdpFrameHandler handler, InetAddress address, int port)
      throws InterruptedException {
    SocketProtocolFamily family =
        address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channelFactory(() -> new EpollDatagramChannel(family))
            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES)
            .option(
                ChannelOption.RECVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES * BATCH_DATAGRAMS))
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
            .handler(handler);
    return bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
  }

  /** True while every socket is open. */
  public boolean isOpen() {
    for (Channel channel : channels) {
      if (!channel.isActive()) {
        return false;
      }
    }
    return !channels.isEmpty();
  }

  /** Local ports actually bound, for tests that bind port 0. */
  public List<InetSocketAddress> localAddresses() {
    return channels.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
