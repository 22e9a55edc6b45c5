package dev.tapwire.agent;

import dev.tapwire.agent.capture.BpfCompiler;
import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.AgentEncapsulation;
import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.Erspan2Format;
import dev.tapwire.agent.encap.Erspan3Format;
import dev.tapwire.agent.encap.GrpcFrameFormat;
import dev.tapwire.agent.encap.TebFormat;
import dev.tapwire.agent.encap.TunnelFormat;
import dev.tapwire.agent.encap.VxlanFormat;
import dev.tapwire.agent.filter.CaptureFilter;
import dev.tapwire.agent.filter.ExportFlow;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.Links;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the agent derives from its configuration before opening anything: the collector's
 * address, the interfaces and their sessions, the combined BPF filter, the tunnel format and the
 * sizes of packets, capture slots and hand-offs. Built (and validated) in the network namespace the
 * agent will run in; also what {@code --dry-run} prints.
 *
 * @param collector the collector's address
 * @param source the fixed source address, or null to let routing choose
 * @param interfaces one entry per captured interface, in order
 * @param exportFlows what the agent sends, excluded from capture
 * @param filter the BPF filter applied to every interface
 * @param frameBytes the most bytes of a frame ever sent: libpcap's snap length and a slot's size
 * @param maxPacketBytes the largest tunnel packet (after the outer IP header)
 * @param queueSlots frames each hand-off holds
 */
public record AgentPlan(
    AgentConfig config,
    InetAddress collector,
    InetAddress source,
    List<InterfacePlan> interfaces,
    List<ExportFlow> exportFlows,
    String filter,
    int frameBytes,
    int maxPacketBytes,
    int queueSlots) {

  /** Native memory one hand-off may use; fewer slots than {@code queue-frames} if they are big. */
  static final long HANDOFF_MEMORY_BYTES = 64L << 20;

  /**
   * One captured interface.
   *
   * @param name interface name
   * @param index interface index in this namespace
   * @param sessionId ERSPAN session id / VNI / GRE key
   */
  public record InterfacePlan(String name, int index, int sessionId) {}

  /** Validates {@code config} against this host (interfaces, collector, filter) and plans. */
  public static AgentPlan of(AgentConfig config) throws AgentStartupException {
    InetAddress collector = resolveCollector(config);
    InetAddress source = config.sourceAddress();
    if (source != null && (source instanceof Inet4Address) != (collector instanceof Inet4Address)) {
      throw new AgentStartupException(
          "invalid setting source = '"
              + source.getHostAddress()
              + "': the collector "
              + collector.getHostAddress()
              + " is of the other IP version");
    }
    List<InterfacePlan> interfaces = new ArrayList<>();
    for (int i = 0; i < config.interfaces().size(); i++) {
      String name = config.interfaces().get(i);
      int index;
      try {
        index = Links.index(name);
      } catch (ErrnoException e) {
        throw new AgentStartupException(
            "invalid setting interface = '" + name + "': no such interface");
      }
      interfaces.add(new InterfacePlan(name, index, config.sessionIdFor(i)));
    }
    List<ExportFlow> flows = new ArrayList<>();
    switch (config.encapsulation()) {
      case VXLAN -> flows.add(ExportFlow.udp(collector, config.vxlanPort()));
      case GRPC -> flows.add(ExportFlow.tcpControl(collector, config.collectorPort()));
      default -> flows.add(ExportFlow.gre(collector));
    }
    if (config.control().enabled()
        && !(config.encapsulation() == AgentEncapsulation.GRPC
            && config.control().port() == config.collectorPort())) {
      // The control connection to the collector is left out like the tunnel.
      flows.add(ExportFlow.tcpControl(collector, config.control().port()));
    }
    String filter = CaptureFilter.effective(config.filter(), flows);
    int ipHeaderBytes = collector instanceof Inet4Address ? 20 : 40;
    TunnelFormat format = format(config, collector, null);
    int largestPacket =
        Math.min(65_535 - ipHeaderBytes, format.headerBytes() + config.snapLenBytes());
    boolean grpc = config.encapsulation() == AgentEncapsulation.GRPC;
    int maxPacketBytes =
        grpc
            ? format.headerBytes()
                + Math.min(config.snapLenBytes(), GrpcFrameFormat.MAX_FRAME_BYTES)
            : config.truncateOversize()
                ? Math.min(largestPacket, config.pathMtuBytes() - ipHeaderBytes)
                : largestPacket;
    int frameBytes;
    try {
      frameBytes =
          new Encapsulator(
                  format,
                  ipHeaderBytes,
                  pathMtuBytes(config),
                  !grpc && config.truncateOversize(),
                  config.snapLenBytes(),
                  maxPacketBytes)
              .maxFrameBytes();
    } catch (IllegalArgumentException e) {
      throw new AgentStartupException(
          "invalid setting path-mtu = " + config.pathMtuBytes() + ": " + e.getMessage());
    }
    try {
      BpfCompiler.compile(filter, frameBytes);
    } catch (CaptureException e) {
      throw new AgentStartupException(
          "invalid setting filter = '" + config.filter() + "': " + e.getMessage());
    }
    int slots =
        (int) Math.max(64, Math.min(config.queueFrames(), HANDOFF_MEMORY_BYTES / frameBytes));
    return new AgentPlan(
        config,
        collector,
        source,
        List.copyOf(interfaces),
        List.copyOf(flows),
        filter,
        frameBytes,
        maxPacketBytes,
        slots);
  }

  /** Whether frames go on a gRPC stream rather than in tunnel packets. */
  public boolean grpc() {
    return config.encapsulation() == AgentEncapsulation.GRPC;
  }

  /**
   * The path MTU the encapsulator applies: the configured one for tunnels; none for gRPC, whose
   * frames travel in a TCP stream and are never cut to a path MTU.
   */
  public int pathMtuBytes() {
    return pathMtuBytes(config);
  }

  private static int pathMtuBytes(AgentConfig config) {
    return config.encapsulation() == AgentEncapsulation.GRPC
        ? Integer.MAX_VALUE / 2
        : config.pathMtuBytes();
  }

  /** Outer IP header the kernel adds: 20 or 40 bytes. */
  public int outerIpHeaderBytes() {
    return collector instanceof Inet4Address ? 20 : 40;
  }

  /**
   * The tunnel format; {@code routedSource} is the source address routing picked (needed for the
   * VXLAN checksum over IPv6 when no source is configured).
   */
  public TunnelFormat format(InetAddress routedSource) {
    return format(config, collector, source != null ? source : routedSource);
  }

  // For planning only the header length matters: the collector stands in for an unknown source.

  private static TunnelFormat format(
      AgentConfig config, InetAddress collector, InetAddress source) {
    return switch (config.encapsulation()) {
      case ERSPAN3 -> new Erspan3Format();
      case ERSPAN2 -> new Erspan2Format();
      case TEB -> new TebFormat();
      case GRPC -> new GrpcFrameFormat();
      case VXLAN ->
          new VxlanFormat(
              config.vxlanPort(),
              source != null ? source : collector instanceof Inet4Address ? null : collector,
              collector);
    };
  }

  /** Whether the tunnel's checksum covers the source address (VXLAN over IPv6). */
  public boolean needsSourceForChecksum() {
    return config.encapsulation() == AgentEncapsulation.VXLAN
        && !(collector instanceof Inet4Address);
  }

  /**
   * The source address the kernel would use towards the collector (a UDP socket's {@code connect}
   * consults the routing table and sends nothing), or null if there is no route.
   */
  public InetAddress routedSource() {
    if (source != null) {
      return source;
    }
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(new InetSocketAddress(collector, config.vxlanPort()));
      return ((InetSocketAddress) channel.getLocalAddress()).getAddress();
    } catch (IOException e) {
      return null;
    }
  }

  private static InetAddress resolveCollector(AgentConfig config) throws AgentStartupException {
    String host = config.collectorHost();
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      InetAddress wanted = config.sourceAddress();
      for (InetAddress candidate : all) {
        if (wanted == null
            || (candidate instanceof Inet4Address) == (wanted instanceof Inet4Address)) {
          return candidate;
        }
      }
      return all[0];
    } catch (UnknownHostException e) {
      throw new AgentStartupException(
          "invalid setting collector = '" + host + "': cannot resolve it to an address");
    }
  }
}
