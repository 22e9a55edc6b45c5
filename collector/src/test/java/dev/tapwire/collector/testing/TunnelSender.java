package dev.tapwire.collector.testing;

import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.netio.SockAddr;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends tunnel packets from the sender namespace: raw GRE (the kernel adds the outer IP header,
 * with the socket's bound address as source) and UDP payloads. Sockets are created on a thread in
 * the namespace and used from the test thread.
 */
public final class TunnelSender implements AutoCloseable {
  private final String namespace;
  private final Map<InetAddress, RawIpSocket> greSockets = new HashMap<>();
  private final Map<InetAddress, DatagramChannel> udpSockets = new HashMap<>();
  private final SendBatch batch = new SendBatch(1, 65_535);

  TunnelSender(String namespace) {
    this.namespace = namespace;
  }

  /** Sends one GRE packet ({@code gre} starts at the GRE header) from {@code source}. */
  public void sendGre(InetAddress source, InetAddress destination, byte[] gre) throws Exception {
    RawIpSocket socket = greSockets.get(source);
    if (socket == null) {
      socket =
          NetworkNamespace.runIn(
              namespace,
              () -> {
                RawIpSocket s =
                    RawIpSocket.openGre(
                        source instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6);
                s.bind(source);
                s.setSendBufferSize(4 << 20);
                return s;
              });
      greSockets.put(source, socket);
    }
    batch.clear();
    batch.add(gre, 0, gre.length, SockAddr.of(destination));
    int sent = socket.send(batch);
    if (sent != 1) {
      throw new IOException("GRE packet not sent, errno " + batch.lastErrno());
    }
  }

  /** Sends one UDP datagram from {@code source} (ephemeral port) to {@code destination}:port. */
  public void sendUdp(InetAddress source, InetAddress destination, int port, byte[] payload)
      throws Exception {
    DatagramChannel channel = udpSockets.get(source);
    if (channel == null) {
      channel =
          NetworkNamespace.runIn(
              namespace,
              () -> {
                DatagramChannel c =
                    DatagramChannel.open(
                        source instanceof Inet4Address
                            ? StandardProtocolFamily.INET
                            : StandardProtocolFamily.INET6);
                c.bind(new InetSocketAddress(source, 0));
                return c;
              });
      udpSockets.put(source, channel);
    }
    int sent = channel.send(ByteBuffer.wrap(payload), new InetSocketAddress(destination, port));
    if (sent != payload.length) {
      throw new IOException("UDP datagram not sent");
    }
  }

  @Override
  public void close() throws IOException {
    for (RawIpSocket s : greSockets.values()) {
      s.close();
    }
    for (DatagramChannel c : udpSockets.values()) {
      c.close();
    }
    batch.close();
  }
}
