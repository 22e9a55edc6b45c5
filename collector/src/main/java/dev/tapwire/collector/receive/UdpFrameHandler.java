package dev.tapwire.collector.receive;

import dev.tapwire.collector.frame.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Copies each received datagram of one UDP port (VXLAN or GRE-in-UDP) into a pooled {@link Frame}
 * with its addresses and ports, and hands it to the decode stage. Runs on the receiver's event loop
 * thread; the wall clock is read once per read batch ({@code recvmmsg}), not per datagram.
 */
@Sharable
final class UdpFrameHandler extends ChannelInboundHandlerAdapter {
  private final FrameHandoff handoff;
  private final int receiverIndex;
  private final int port;
  private long batchTimeNs = -1;

  UdpFrameHandler(FrameHandoff handoff, int receiverIndex, int port) {
    this.handoff = handoff;
    this.receiverIndex = receiverIndex;
    this.port = port;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    try {
      ByteBuf content = packet.content();
      int length = content.readableBytes();
      Frame frame = handoff.take(length);
      if (frame == null) {
        return;
      }
      if (batchTimeNs < 0) {
        batchTimeNs = EpochClock.nowNs();
      }
      frame.buffer().setBytes(0, content, content.readerIndex(), length);
      frame.packetLength = length;
      frame.receiveTimeNs = batchTimeNs;
      frame.origin = Frame.ORIGIN_UDP;
      frame.receiverIndex = receiverIndex;
      setAddresses(frame, packet.sender(), packet.recipient());
      // The port the datagram was received on selects the decoder (VXLAN or GRE-in-UDP).
      frame.destinationPort = port;
      handoff.handOff(frame);
    } finally {
      packet.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    batchTimeNs = -1;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A read error is about the socket, not a datagram; the channel keeps reading.
    handoff.counters().readErrors.increment();
  }

  private static void setAddresses(
      Frame frame, InetSocketAddress sender, InetSocketAddress recipient) {
    InetAddress source = sender.getAddress();
    InetAddress destination = recipient == null ? null : recipient.getAddress();
    byte[] sourceBytes = source.getAddress();
    byte[] destinationBytes = destination == null ? null : destination.getAddress();
    if (destinationBytes == null || destinationBytes.length != sourceBytes.length) {
      // Bound to a wildcard of the other family (dual-stack): the destination is not known.
      destinationBytes = new byte[sourceBytes.length];
    }
    System.arraycopy(sourceBytes, 0, frame.sourceAddress, 0, sourceBytes.length);
    System.arraycopy(destinationBytes, 0, frame.destinationAddress, 0, sourceBytes.length);
    frame.addressLength = sourceBytes.length;
    frame.sourcePort = sender.getPort();
  }
}
