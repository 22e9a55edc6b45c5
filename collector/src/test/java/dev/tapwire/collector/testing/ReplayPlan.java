package dev.tapwire.collector.testing;

import dev.tapwire.collector.testing.RealCapturePackets.OuterPacket;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4Reassembler;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What replaying real captures at a collector sends, and what a correct collector makes of it: each
 * GRE or tunnel-port UDP packet is re-sent from a test source address (one per original source) to
 * the collector, so the expected outcome is the codec's verdict on exactly those bytes under the
 * rewritten outer addresses. Outer IPv4 fragments are reassembled first; the kernel fragments the
 * datagram again if the link needs it.
 */
public final class ReplayPlan {
  /** One packet to send. */
  public record Send(boolean gre, InetAddress source, int port, byte[] payload) {}

  public final List<Send> sends = new ArrayList<>();
  public final List<String> expectedFrames = new ArrayList<>();
  public final Map<String, Long> expectedInvalid = new TreeMap<>();
  public final Map<String, Long> expectedSkipped = new TreeMap<>();
  public final Set<String> expectedStreams = new HashSet<>();
  public final Set<String> expectedInterfaceNames = new HashSet<>();
  private final Map<String, InetAddress> sources = new LinkedHashMap<>();
  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame decoded = new DecodedFrame();
  private final InetAddress collector;

  public ReplayPlan(InetAddress collector) {
    this.collector = collector;
  }

  /** Adds every tunnel packet of {@code packets}; new original sources get {@code newSource}. */
  public void add(List<OuterPacket> packets, Function<Integer, InetAddress> newSource) {
    Ipv4Reassembler reassembler = new Ipv4Reassembler(64, 65_535, Long.MAX_VALUE / 4, 64);
    for (OuterPacket p : packets) {
      ByteBuf ip = Unpooled.wrappedBuffer(p.ip());
      Verdict v = classifier.classifyIp(ip, 0, p.ip().length, decoded);
      if (v == Verdict.FRAGMENT) {
        if (reassembler.offer(ip, 0, p.ip().length, 0) != Ipv4Reassembler.Result.COMPLETE) {
          continue;
        }
        ip = Unpooled.copiedBuffer(reassembler.completedDatagram());
        classifier.classifyIp(ip, 0, ip.readableBytes(), decoded);
      }
      if (decoded.outerIpVersion() != 4 || decoded.outerIpOffset() < 0) {
        continue;
      }
      String original = addressText(decoded.outerSourceAddress());
      InetAddress source = sources.computeIfAbsent(original, k -> newSource.apply(sources.size()));
      int headerLength = (ip.getUnsignedByte(0) & 0x0F) * 4;
      int end = Math.min(decoded.outerIpTotalLength(), ip.readableBytes());
      if (decoded.outerIpProtocol() == IpProtocol.GRE) {
        byte[] gre = ByteBufUtil.getBytes(ip, headerLength, end - headerLength);
        sends.add(new Send(true, source, 0, gre));
        expect(TestPackets.ipv4Gre(toInt(source), toInt(collector), gre), source);
      } else if (decoded.outerIpProtocol() == IpProtocol.UDP && end - headerLength >= 8) {
        int port = ip.getUnsignedShort(headerLength + 2);
        if (port != TunnelClassifier.DEFAULT_VXLAN_PORT
            && port != TunnelClassifier.DEFAULT_GRE_IN_UDP_PORT) {
          continue; // nothing listens there: the collector's host would answer it
        }
        byte[] payload = ByteBufUtil.getBytes(ip, headerLength + 8, end - headerLength - 8);
        sends.add(new Send(false, source, port, payload));
        expectUdp(payload, source, port);
      }
    }
  }

  /** Adds a raw GRE packet the collector must count as invalid (or skip) by its reason. */
  public void addGre(InetAddress source, byte[] gre) {
    sends.add(new Send(true, source, 0, gre));
    expect(TestPackets.ipv4Gre(toInt(source), toInt(collector), gre), source);
  }

  private void expect(byte[] ip, InetAddress source) {
    Verdict v = classifier.classifyIp(Unpooled.wrappedBuffer(ip), 0, ip.length, decoded);
    record(v, ip, source);
  }

  private void expectUdp(byte[] payload, InetAddress source, int port) {
    decoded.reset();
    decoded.setOuterAddresses(source.getAddress(), collector.getAddress(), 4);
    Verdict v =
        classifier.classifyUdpPayload(
            Unpooled.wrappedBuffer(payload), 0, payload.length, port, decoded);
    record(v, payload, source);
  }

  private void record(Verdict v, byte[] bytes, InetAddress source) {
    switch (v) {
      case FRAME -> {
        expectedFrames.add(
            CollectingSink.sha256(
                java.util.Arrays.copyOfRange(
                    bytes, decoded.innerOffset(), decoded.innerOffset() + decoded.innerLength())));
        expectedStreams.add(
            source.getHostAddress()
                + "/"
                + decoded.carrier()
                + "/"
                + decoded.encapsulation()
                + "/"
                + decoded.streamId()
                + "/"
                + decoded.innerProtocol());
        expectedInterfaceNames.add(
            source.getHostAddress()
                + "/"
                + decoded.encapsulation().label()
                + (decoded.streamId() >= 0 ? "-" + decoded.streamId() : ""));
      }
      case INVALID -> expectedInvalid.merge(decoded.reason().label(), 1L, Long::sum);
      case NOT_TUNNEL -> expectedSkipped.merge(decoded.reason().label(), 1L, Long::sum);
      case FRAGMENT -> throw new IllegalStateException("unexpected fragment");
    }
  }

  public long greSends() {
    return sends.stream().filter(Send::gre).count();
  }

  public long udpSends() {
    return sends.size() - greSends();
  }

  private static String addressText(byte[] address) {
    return (address[0] & 0xFF)
        + "."
        + (address[1] & 0xFF)
        + "."
        + (address[2] & 0xFF)
        + "."
        + (address[3] & 0xFF);
  }

  static int toInt(InetAddress address) {
    byte[] a = address.getAddress();
    return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
  }
}
